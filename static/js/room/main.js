// Entry module of the live room page: templates/chat/room.html loads it with
// <script type="module"> (deferred, like the page's other scripts, and run in document order,
// so live.js has defined window.coilLive). The work is in controller.js; see docs/realtime.md.
import { ready } from "./state.js";
import { start } from "./controller.js";

if (ready) { start(); }
