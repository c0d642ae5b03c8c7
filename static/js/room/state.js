// What the room page's modules share: the page's config and strings (rendered as JSON by
// templates/chat/room.html, so every string shown is in the viewer's language), its elements,
// the one small state object, and the acknowledged request every module sends with.
// Nothing here touches the socket until start() in controller.js has set state.socket.

function readJson(id) {
  const el = document.getElementById(id);
  return el ? JSON.parse(el.textContent) : null;
}

export const config = readJson("room-config");
export const T = readJson("room-strings") || {};
/** False on a page without the room's JSON or without the live connection: then do nothing. */
export const ready = !!(config && document.getElementById("room-strings") && window.coilLive);
export const roomId = config ? config.room : null;
export const me = config ? config.me : null;

export const ACK_TIMEOUT = 10000;

const $ = (id) => document.getElementById(id);
export const els = {
  page: $("room-page"),
  scroll: $("room-scroll"),
  list: $("messages"),
  outbox: $("outbox"),
  earlier: $("load-earlier"),
  start: $("room-start"),
  empty: $("room-empty"),
  jump: $("jump-latest"),
  typing: $("typing"),
  announcer: $("room-announcer"),
  composer: $("composer"),
  body: $("composer-body"),
  send: $("composer-send"),
  status: $("composer-status"),
  replyBox: $("reply-preview"),
  replyText: $("reply-preview-text"),
  replyCancel: $("reply-cancel"),
  conn: $("connection-status"),
  connText: $("connection-text"),
  archive: $("archive-room"),
  archivedNote: $("archived-note"),
  presence: $("presence"),
  presenceCount: $("presence-count"),
  search: $("room-search"),
  searchQ: $("room-search-q"),
  searchStatus: $("search-status"),
  results: $("search-results")
};

export const state = {
  socket: null,
  messages: new Map(), // id -> message payload, for the messages in the list
  oldestId: null,
  newestId: 0,
  more: false,
  joined: false, // joined on the current connection
  everJoined: false,
  canPost: !!(config && config.canPost),
  canModerate: !!(config && config.canModerate),
  archived: !!(config && config.archived),
  replyTo: null,
  editingId: null,
  firstUnreadId: null // the message that carries the "New messages" marker
};

/** The text to show for a failed request: the server's message, else "no answer". */
export function failure(err, ack) {
  if (err) { return T.noAnswer; }
  return ack && ack.error && ack.error.message ? ack.error.message : T.noAnswer;
}

/** Emit ``event`` with an ack; ``done(error, ack, timedOut)``, error null when the ack is ok. */
export function request(event, payload, done) {
  state.socket.timeout(ACK_TIMEOUT).emit(event, payload, (err, ack) => {
    if (!err && ack && ack.ok) { done(null, ack); }
    else { done(failure(err, ack), ack || null, !!err); }
  });
}
