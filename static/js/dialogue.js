// Dialogue tools in a live room: the speaking order with its turn timer, and prompt cards.
// Runs beside room.js, which exposes window.coilRoom = {socket, roomId, me, canModerate} and
// fires "coil:room-joined" after every (re)join. The server is the judge of every move; this
// file shows its state, counts down to the turn's deadline on the local clock (corrected by the
// server's "now"), and asks for the next turn when time is up.
(function () {
  "use strict";
  var panel = document.getElementById("dialogue-panel");
  var blob = document.getElementById("dialogue-strings");
  if (!panel || !blob) { return; }
  var T = JSON.parse(blob.textContent);
  var roomId = null;
  var canPost = false;
  var present = [];
  var round = null;
  var offset = 0; // server clock minus local clock, in milliseconds
  var timer = null;
  var bound = false;
  var announced = null;
  var asked = null;

  function part(name) { return panel.querySelector('[data-dialogue="' + name + '"]'); }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }
  function live() { return window.coilRoom || {}; }
  function myId() { return live().me ? live().me.id : null; }
  function sync(now) { if (now) { offset = Date.parse(now) - Date.now(); } }
  function clock(seconds) {
    var s = seconds % 60;
    return Math.floor(seconds / 60) + ":" + (s < 10 ? "0" : "") + s;
  }
  function say(text) {
    // Emptied first so that the same words twice are announced twice.
    var status = part("status");
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }
  function showError(ack) {
    var error = part("error");
    error.textContent = (ack && ack.error && ack.error.message) || T.error;
    error.hidden = false;
  }
  function clearError() { part("error").hidden = true; }

  function send(event, payload, done, quiet) {
    var socket = live().socket;
    if (!socket) { return; }
    socket.emit(event, payload, function (ack) {
      if (ack && ack.ok) {
        clearError();
        if (done) { done(ack); }
        return;
      }
      if (ack && ack.error && ack.error.code === "conflict") { refresh(); }
      if (!quiet) { showError(ack); }
    });
  }

  function speaker() { return round && !round.ended ? round.people[round.turn] : null; }
  function steers() {
    var current = speaker();
    var me = myId();
    return !!current && (current.id === me || (round.started_by && round.started_by.id === me) ||
      !!live().canModerate);
  }
  function secondsLeft() {
    return Math.max(0, Math.ceil((Date.parse(round.deadline) - (Date.now() + offset)) / 1000));
  }

  function renderPeople() {
    var list = part("people");
    list.textContent = "";
    round.people.forEach(function (person) {
      var item = document.createElement("li");
      var name = person.name + (person.id === myId() ? " " + T.you : "");
      if (person.status === "speaking") {
        var strong = document.createElement("strong");
        strong.textContent = name;
        item.appendChild(strong);
        item.setAttribute("aria-current", "true");
      } else {
        item.textContent = name;
      }
      if (person.status !== "speaking") {
        var note = document.createElement("span");
        note.className = "muted";
        note.textContent = " — " + T[person.status];
        item.appendChild(note);
      }
      list.appendChild(item);
    });
  }

  function renderRound() {
    var running = !!round && !round.ended;
    part("round-idle").hidden = running;
    part("round-running").hidden = !running;
    part("start-form").hidden = !canPost;
    if (!running) {
      window.clearInterval(timer);
      timer = null;
      return;
    }
    renderPeople();
    var current = speaker();
    part("speaker").textContent = fill(T.speaking, {name: current.name});
    part("pass").hidden = current.id !== myId();
    var key = round.id + ":" + round.turn;
    if (announced !== key) {
      announced = key;
      say(current.id === myId() ? T.your_turn : fill(T.speaking, {name: current.name}));
    }
    tick();
    if (!timer) { timer = window.setInterval(tick, 500); }
  }

  function tick() {
    if (!round || round.ended) { return; }
    var left = secondsLeft();
    part("countdown").textContent = left > 0 ? fill(T.left, {time: clock(left)}) : T.time_up;
    var may = canPost && (steers() || left === 0);
    part("next").disabled = !may;
    part("end").disabled = !may;
    if (left === 0) { askNext(); }
  }

  function askNext() {
    // Everyone's browser sees the time run out; those who steer the round ask at once, the
    // others a little later in case those have left. The server moves one step only.
    var key = round.id + ":" + round.turn;
    if (!canPost || asked === key) { return; }
    asked = key;
    var wait = steers() ? 0 : 2000 + Math.random() * 4000;
    window.setTimeout(function () {
      if (round && !round.ended && round.id + ":" + round.turn === key) {
        send("round.next", {round: round.id, turn: round.turn, passed: false}, apply, true);
      }
    }, wait);
  }

  function apply(data) {
    var before = round;
    sync(data.round.now);
    round = data.round;
    if (round.ended && before && !before.ended && before.id === round.id) { say(T.ended); }
    renderRound();
  }

  function renderDraw(draw, announce) {
    var card = part("card");
    part("draw-form").hidden = !canPost;
    if (!draw) { card.hidden = true; return; }
    part("card-text").textContent = draw.card.text;
    part("card-kind").textContent = T.kinds[draw.card.kind] || draw.card.kind;
    part("card-by").textContent = draw.drawn_by ? fill(T.drawn_by, {name: draw.drawn_by.name}) : "";
    card.hidden = false;
    if (announce) { say(fill(T.drawn, {text: draw.card.text})); }
  }

  function refresh() {
    if (roomId === null) { return; }
    send("dialogue.state", {room: roomId}, function (ack) {
      sync(ack.now);
      round = ack.round;
      renderRound();
      renderDraw(ack.draw, false);
    });
  }

  function bind(socket) {
    if (bound) { return; }
    bound = true;
    socket.on("round", function (event) {
      if (event.room_id !== roomId) { return; }
      if (event.op === "started" && event.round.started_by && event.round.started_by.id !== myId()) {
        say(fill(T.started, {name: event.round.started_by.name}));
      }
      apply(event);
    });
    socket.on("prompt", function (event) {
      if (event.room_id === roomId) { renderDraw(event.draw, true); }
    });
    socket.on("presence", function (event) {
      if (event.room_id === roomId) { present = (event.users || []).map(function (u) { return u.id; }); }
    });
  }

  part("start-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var payload = {room: roomId, turn_seconds: parseInt(part("start-form").elements.turn_seconds.value, 10)};
    if (present.length) { payload.people = present; }
    send("round.start", payload, apply);
  });
  part("pass").addEventListener("click", function () {
    if (round) { send("round.next", {round: round.id, turn: round.turn, passed: true}, apply); }
  });
  part("next").addEventListener("click", function () {
    if (round) { send("round.next", {round: round.id, turn: round.turn, passed: false}, apply); }
  });
  part("end").addEventListener("click", function () {
    if (round) { send("round.end", {round: round.id}, apply); }
  });
  part("draw-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var payload = {room: roomId};
    var kind = part("draw-form").elements.kind.value;
    if (kind) { payload.kind = kind; }
    send("prompt.draw", payload, function (ack) { renderDraw(ack.draw, false); });
  });

  document.addEventListener("coil:room-joined", function (event) {
    var detail = event.detail || {};
    var ack = detail.ack || {};
    roomId = detail.roomId;
    canPost = !!(ack.room && ack.room.can_post);
    present = (ack.presence || []).map(function (u) { return u.id; });
    panel.hidden = false;
    if (live().socket) { bind(live().socket); }
    refresh();
  });
})();
