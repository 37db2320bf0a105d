/* formcheck serve: the live page (/a/<token>/live, /live).
 *
 * Opens the camera (getUserMedia: the front or back camera), sends a JPEG of the newest video
 * frame over a WebSocket whenever the server has answered the last one (so the rate is what
 * the server can take and nothing queues: the newest frame wins), and draws what comes back
 * over the video: the skeleton (red while a fault shows), the hip angle, the reps done (by
 * side on a one-leg drill), the hold timer with its marks, and one cue at a time in a large
 * font, spoken with the browser's speech synthesis (a mute button; a cue repeated within its
 * cool-down is neither shown nor said again). The words are the server's (the report's).
 * A lost connection is said and retried; at the end of the set the page offers to save it.
 *
 * window.fcLive exposes the set's figures (frames analysed, round trips, what ended) for the
 * tests and the benchmark. Config comes from the JSON block #fc-config.
 */
"use strict";

(function () {
  const cfg = JSON.parse(document.getElementById("fc-config").textContent);
  const $ = (id) => document.getElementById(id);
  /* the longest side of a frame sent (the pose model looks at 256 px; 640 keeps detail) */
  const SEND_MAX_PX = 640;
  const JPEG_QUALITY = 0.7;
  /* a frame unanswered this long is given up on (and the next one sent) */
  const ANSWER_TIMEOUT_MS = 3000;
  /* a cue stays on screen at least this long before the next one replaces it */
  const CUE_MIN_MS = 2500;
  /* the same cue is not shown or said again within this */
  const CUE_COOLDOWN_MS = 10000;
  const RECONNECT_MS = [500, 1000, 2000, 3000, 5000];
  const CLOSE_POLICY = 1008;
  const CLOSE_BUSY = 1013;
  const MUTE_KEY = "fc-live-muted";
  const GREEN = "rgb(60, 220, 120)";
  const RED = "rgb(235, 50, 50)";

  const el = {
    form: $("live-form"), drill: $("drill"), start: $("start-btn"), error: $("error"),
    setup: $("setup"), live: $("live"), stage: $("stage"), mirror: $("mirror-box"),
    video: $("camera"), overlay: $("overlay"), hip: $("hip"), count: $("count"),
    countLabel: $("count-label"), sides: $("sides"), cue: $("cue"), cueBig: $("cue-big"),
    cueSmall: $("cue-small"), hold: $("hold"), holdTime: $("hold-time"),
    holdMark: $("hold-mark"), holdFill: $("hold-fill"), holdMarks: $("hold-marks"),
    conn: $("conn"), end: $("end-btn"), mute: $("mute-btn"), facts: $("live-facts"),
    log: $("rep-log"), summary: $("summary"), summaryLine: $("summary-line"),
    summaryLog: $("summary-log"), saveBtn: $("save-btn"), again: $("again-btn"),
    saveStatus: $("save-status"), saveAthlete: $("save-athlete"),
  };
  const grab = document.createElement("canvas");
  const marks = (cfg.hold_marks_s || [10, 20, 120]).slice().sort((a, b) => a - b);

  const live = {
    running: false, // frames are being sent
    ended: false,
    stream: null,
    ws: null,
    connectedOnce: false,
    reconnects: 0,
    inFlightSince: 0,
    setStart: 0,
    newFrames: 0, // video frames seen since the last send
    frameAt: 0, // when the newest video frame was shown (performance.now clock)
    sent: 0,
    analysed: 0,
    rtts: [],
    serverMs: [],
    dropped: 0,
    finished: [],
    spoken: [],
    errors: [],
    last: null, // the last frame message
    lastAt: 0,
    carry: { reps: 0, holds: 0, sides: {} }, // counts from sockets before a reconnect
    cueShownAt: 0,
    cueQueue: [],
    cueLastSaid: {},
    muted: localStorage.getItem(MUTE_KEY) === "1",
  };

  /* -- messages on the page --------------------------------------------------------------- */
  function showError(text) {
    el.error.textContent = text;
    el.error.hidden = !text;
  }
  function showConn(text, kind) {
    el.conn.textContent = text;
    el.conn.className = "conn" + (kind ? " " + kind : "");
    el.conn.hidden = !text;
  }

  function cameraError(err) {
    const name = err && err.name;
    if (name === "NotAllowedError" || name === "SecurityError") {
      return "Camera access was refused. Allow the camera for this site (the camera icon in " +
        "the address bar, or the browser's site settings), then press Start again.";
    }
    if (name === "NotFoundError" || name === "OverconstrainedError") {
      return "No camera was found. Connect one, or pick the other camera, and press Start again.";
    }
    if (name === "NotReadableError" || name === "AbortError") {
      return "The camera is busy in another app or tab: close it there and press Start again.";
    }
    return "The camera could not start" + (err && err.message ? ": " + err.message : ".");
  }

  /* -- the camera ------------------------------------------------------------------------- */
  async function openCamera(facing) {
    if (!window.isSecureContext) {
      throw new Error("the browser gives the camera only to https pages or localhost: open " +
        "this page at the service's https address (ask your coach)");
    }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw new Error("this browser cannot give the page a camera");
    }
    const video = { facingMode: { ideal: facing }, width: { ideal: 640 }, height: { ideal: 480 } };
    return navigator.mediaDevices.getUserMedia({ video: video, audio: false });
  }

  function watchFrames() {
    const v = el.video;
    if (typeof v.requestVideoFrameCallback === "function") {
      const onFrame = (now, meta) => {
        live.newFrames += 1;
        live.frameAt = meta && meta.captureTime ? meta.captureTime : now;
        pump();
        v.requestVideoFrameCallback(onFrame);
      };
      v.requestVideoFrameCallback(onFrame);
    } else {
      const tick = () => {
        live.newFrames += 1;
        live.frameAt = performance.now();
        pump();
        setTimeout(tick, 33);
      };
      tick();
    }
  }

  /* -- the socket ------------------------------------------------------------------------- */
  function socketUrl(drill) {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return scheme + "//" + location.host + cfg.socket + "?drill=" + encodeURIComponent(drill);
  }

  function connect() {
    const ws = new WebSocket(socketUrl(el.drill.value));
    ws.binaryType = "arraybuffer";
    live.ws = ws;
    live.inFlightSince = 0;
    ws.onmessage = (ev) => {
      if (typeof ev.data === "string") onMessage(JSON.parse(ev.data));
    };
    ws.onclose = (ev) => onClose(ws, ev);
  }

  function onClose(ws, ev) {
    if (ws !== live.ws) return;
    live.inFlightSince = 0;
    if (ev.code === CLOSE_POLICY) {
      stopSet();
      showError("The server refused the live set: " + (ev.reason || "sign in or open your invite link again") + ".");
      return;
    }
    if (live.ended || !live.running) return;
    // the counts so far stay on screen; the next socket counts on from them
    if (live.last) {
      live.carry.reps += live.last.reps || 0;
      live.carry.holds += live.last.holds || 0;
      Object.entries(live.last.reps_by_side || {}).forEach(([side, n]) => {
        live.carry.sides[side] = (live.carry.sides[side] || 0) + n;
      });
      live.last = null;
    }
    const wait = ev.code === CLOSE_BUSY ? 10000 : RECONNECT_MS[Math.min(live.reconnects, RECONNECT_MS.length - 1)];
    live.reconnects += 1;
    showConn(ev.code === CLOSE_BUSY
      ? "The server is busy with other live sets: trying again in 10 s…"
      : "Lost the connection to the server: reconnecting…", "lost");
    setTimeout(() => { if (live.running && !live.ended) connect(); }, wait);
  }

  function onMessage(msg) {
    if (msg.type === "ready") {
      if (live.connectedOnce) showConn("Reconnected: counting on from here.", "ok");
      else showConn("", "");
      if (live.connectedOnce) setTimeout(() => { if (el.conn.classList.contains("ok")) showConn("", ""); }, 3000);
      live.connectedOnce = true;
      live.reconnects = 0;
      pump();
    } else if (msg.type === "frame") {
      live.inFlightSince = 0;
      live.analysed += 1;
      live.rtts.push(performance.now() - msg.sent);
      if (live.rtts.length > 20000) live.rtts.shift();
      live.serverMs.push(msg.server_ms);
      if (live.serverMs.length > 20000) live.serverMs.shift();
      live.dropped = msg.dropped || 0;
      live.last = msg;
      live.lastAt = performance.now();
      draw(msg);
      (msg.finished || []).forEach(onFinished);
      pump();
    } else if (msg.type === "set_end") {
      (msg.finished || []).forEach(onFinished);
      showSummary(msg);
    } else if (msg.type === "saved") {
      el.saveStatus.textContent = "";
      const a = document.createElement("a");
      a.href = msg.url;
      a.textContent = "Saved: open its report (it is being analysed)";
      el.saveStatus.appendChild(a);
      el.saveStatus.className = "status ok";
      el.saveBtn.disabled = true;
    } else if (msg.type === "save_failed") {
      el.saveStatus.textContent = "Not saved: " + msg.message;
      el.saveStatus.className = "status fault";
      el.saveBtn.disabled = false;
    } else if (msg.type === "busy") {
      showConn(msg.message, "lost");
    } else if (msg.type === "error") {
      live.errors.push(msg.message);
      live.inFlightSince = 0;
    }
  }

  /* -- frames out: the newest, one at a time ---------------------------------------------- */
  function pump() {
    const ws = live.ws;
    if (!live.running || !ws || ws.readyState !== WebSocket.OPEN || live.newFrames === 0) return;
    const now = performance.now();
    if (live.inFlightSince && now - live.inFlightSince < ANSWER_TIMEOUT_MS) return;
    const v = el.video;
    if (!v.videoWidth || !v.videoHeight) return;
    const scale = Math.min(1, SEND_MAX_PX / Math.max(v.videoWidth, v.videoHeight));
    grab.width = Math.round(v.videoWidth * scale);
    grab.height = Math.round(v.videoHeight * scale);
    grab.getContext("2d").drawImage(v, 0, 0, grab.width, grab.height);
    const t = Math.max(0, (live.frameAt - live.setStart) / 1000);
    live.newFrames = 0;
    live.inFlightSince = now;
    grab.toBlob((blob) => {
      if (!blob || ws.readyState !== WebSocket.OPEN) { live.inFlightSince = 0; return; }
      blob.arrayBuffer().then((jpeg) => {
        const out = new Uint8Array(16 + jpeg.byteLength);
        new DataView(out.buffer).setFloat64(0, performance.now(), true);
        new DataView(out.buffer).setFloat64(8, t, true);
        out.set(new Uint8Array(jpeg), 16);
        if (ws.readyState === WebSocket.OPEN) {
          ws.send(out.buffer);
          live.sent += 1;
        } else {
          live.inFlightSince = 0;
        }
      });
    }, "image/jpeg", JPEG_QUALITY);
  }

  /* -- what comes back, drawn ------------------------------------------------------------- */
  function sizeOverlay() {
    const v = el.video;
    if (!v.videoWidth) return;
    if (el.overlay.width !== v.videoWidth || el.overlay.height !== v.videoHeight) {
      el.overlay.width = v.videoWidth;
      el.overlay.height = v.videoHeight;
      el.stage.style.setProperty("--aspect", v.videoWidth + " / " + v.videoHeight);
    }
  }

  function draw(msg) {
    sizeOverlay();
    const c = el.overlay;
    const ctx = c.getContext("2d");
    ctx.clearRect(0, 0, c.width, c.height);
    const pts = msg.landmarks;
    if (pts) {
      const ok = pts.map((p) => p[0] >= 0 && p[1] >= 0 && p[2] >= cfg.min_visibility);
      const line = Math.max(2, Math.round(c.width / 160));
      ctx.lineWidth = line;
      ctx.lineCap = "round";
      ctx.strokeStyle = (msg.faults || []).length ? RED : GREEN;
      ctx.beginPath();
      cfg.skeleton.forEach(([a, b]) => {
        if (!ok[a] || !ok[b]) return;
        ctx.moveTo(pts[a][0] * c.width, pts[a][1] * c.height);
        ctx.lineTo(pts[b][0] * c.width, pts[b][1] * c.height);
      });
      ctx.stroke();
      ctx.fillStyle = "#fff";
      pts.forEach((p, i) => {
        if (!ok[i] || i < 11) return;
        ctx.beginPath();
        ctx.arc(p[0] * c.width, p[1] * c.height, line, 0, 2 * Math.PI);
        ctx.fill();
      });
    }
    el.overlay.dataset.skeleton = pts ? ((msg.faults || []).length ? "fault" : "ok") : "none";
    el.hip.textContent = msg.hip_deg == null ? "–" : Math.round(msg.hip_deg) + "°";
    const holds = msg.counts === "holds";
    el.countLabel.textContent = holds ? "holds done" : "reps done";
    el.count.textContent = String(holds ? live.carry.holds + msg.holds : live.carry.reps + msg.reps);
    const sides = Object.assign({}, live.carry.sides);
    Object.entries(msg.reps_by_side || {}).forEach(([s, n]) => { sides[s] = (sides[s] || 0) + n; });
    el.sides.textContent = holds ? "" : ["left", "right"].filter((s) => s in sides)
      .map((s) => s + " " + sides[s]).join(" · ");
    el.hold.hidden = !holds;
    const rate = live.analysed / Math.max(1e-3, (performance.now() - live.setStart) / 1000);
    el.facts.textContent = (msg.drill ? msg.drill + " · " : "") + (msg.view ? msg.view + " view · " : "") +
      rate.toFixed(0) + " frames/s analysed";
  }

  function holdTick() {
    if (!live.running) return;
    const msg = live.last;
    if (msg && msg.counts === "holds") {
      // the hold runs only while the hips are up: the server says so each frame; between two
      // answers the clock runs on
      const running = msg.hold_s != null;
      const s = running ? msg.hold_s + (performance.now() - live.lastAt) / 1000 : 0;
      el.holdTime.textContent = running ? "Hold " + s.toFixed(1) + " s" : "Hips up to start the hold";
      const past = marks.filter((m) => s >= m);
      const next = marks.find((m) => s < m);
      el.holdMark.textContent = running ? (past.length ? "past " + markWords(past[past.length - 1]) : "") +
        (next ? (past.length ? " · " : "") + "next " + markWords(next) : "") : "";
      el.holdFill.style.width = (100 * barShare(s)).toFixed(1) + "%";
      el.hold.classList.toggle("holding", running);
    }
    requestAnimationFrame(holdTick);
  }
  function markWords(s) {
    return s >= 60 && s % 60 === 0 ? s / 60 + " min" : s + " s";
  }
  /* the bar gives each stretch between two marks the same width: 0–10 s, 10–20 s, 20 s–2 min */
  function barShare(s) {
    const edges = [0].concat(marks);
    for (let i = 1; i < edges.length; i += 1) {
      if (s < edges[i]) return (i - 1 + (s - edges[i - 1]) / (edges[i] - edges[i - 1])) / marks.length;
    }
    return 1;
  }
  function drawMarks() {
    el.holdMarks.textContent = "";
    marks.forEach((m, i) => {
      const tick = document.createElement("span");
      tick.className = "hold-tick";
      tick.style.left = (100 * (i + 1) / marks.length) + "%";
      tick.textContent = markWords(m);
      el.holdMarks.appendChild(tick);
    });
  }

  /* -- cues: one at a time, with a cool-down, spoken -------------------------------------- */
  function onFinished(ev) {
    live.finished.push(ev);
    const li = document.createElement("li");
    li.className = ev.faults.length ? "fault" : ev.good ? "ok" : "";
    li.textContent = ev.line;
    el.log.prepend(li);
    if (ev.faults.length) {
      const f = ev.faults[0];
      queueCue({ key: f.cue, big: f.words, small: ev.line, speech: ev.speech, kind: "fault" });
    } else if (ev.good || ev.speech) {
      queueCue({ key: "good-" + ev.kind + "-" + ev.number, big: ev.speech || ev.line, small: ev.line,
                 speech: ev.speech, kind: ev.good ? "ok" : "" });
    }
  }

  function queueCue(cue) {
    const now = performance.now();
    const said = live.cueLastSaid[cue.key];
    if (cue.kind === "fault" && said && now - said < CUE_COOLDOWN_MS) return; // already said
    live.cueLastSaid[cue.key] = now;
    live.cueQueue.push(cue);
    nextCue();
  }

  function nextCue() {
    const now = performance.now();
    if (!live.cueQueue.length) return;
    const wait = live.cueShownAt + CUE_MIN_MS - now;
    if (wait > 0) { setTimeout(nextCue, wait + 10); return; }
    const cue = live.cueQueue.shift();
    // a fault waiting behind a newer cue of the same kind is stale: show the newest
    while (live.cueQueue.length > 2) live.cueQueue.shift();
    live.cueShownAt = now;
    el.cueBig.textContent = cue.big;
    el.cueSmall.textContent = cue.small && cue.small !== cue.big ? cue.small : "";
    el.cue.className = "cue " + (cue.kind || "");
    el.cue.hidden = false;
    clearTimeout(nextCue.hide);
    nextCue.hide = setTimeout(() => { el.cue.hidden = true; }, (cfg.show_faults_s || 4) * 1000);
    say(cue.speech);
  }

  function say(text) {
    if (!text) return;
    live.spoken.push({ text: text, muted: live.muted });
    if (live.muted || !("speechSynthesis" in window)) return;
    try {
      window.speechSynthesis.cancel(); // the newest cue, never a backlog
      window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
    } catch (err) {
      /* no voice on this device: the cue is on screen */
    }
  }

  function showMute() {
    el.mute.textContent = live.muted ? "Sound off (tap to hear the cues)" : "Sound on";
    el.mute.setAttribute("aria-pressed", live.muted ? "true" : "false");
  }

  /* -- the set ---------------------------------------------------------------------------- */
  async function start(ev) {
    if (ev) ev.preventDefault();
    showError("");
    el.start.disabled = true;
    const facing = (document.querySelector("input[name=camera]:checked") || {}).value || "user";
    try {
      if (!live.stream) {
        live.stream = await openCamera(facing);
        el.video.srcObject = live.stream;
        await el.video.play();
        watchFrames();
      }
    } catch (err) {
      live.stream = null;
      el.start.disabled = false;
      showError(err && err.name ? cameraError(err) : "The camera could not start: " + err.message + ".");
      return;
    }
    el.mirror.classList.toggle("mirrored", facing === "user");
    beginSet();
  }

  function beginSet() {
    Object.assign(live, {
      running: true, ended: false, connectedOnce: false, reconnects: 0, setStart: performance.now(),
      sent: 0, analysed: 0, rtts: [], serverMs: [], dropped: 0, finished: [], last: null,
      carry: { reps: 0, holds: 0, sides: {} }, cueQueue: [], cueLastSaid: {}, cueShownAt: 0,
    });
    el.log.textContent = "";
    el.cue.hidden = true;
    el.count.textContent = "0";
    el.sides.textContent = "";
    el.summary.hidden = true;
    el.setup.hidden = true;
    el.live.hidden = false;
    el.end.disabled = false;
    showConn("Connecting…", "");
    if (live.ws && live.ws.readyState === WebSocket.OPEN) {
      live.ws.send(JSON.stringify({ type: "restart", drill: el.drill.value }));
    } else {
      connect();
    }
    requestAnimationFrame(holdTick);
  }

  function stopSet() {
    live.running = false;
    el.end.disabled = true;
  }

  function endSet() {
    stopSet();
    live.ended = true;
    const ws = live.ws;
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify({ type: "end" }));
      el.summaryLine.textContent = "Counting the last rep…";
    } else {
      showSummary(null);
    }
    el.summary.hidden = false;
  }

  function showSummary(msg) {
    el.summary.hidden = false;
    el.summaryLog.textContent = "";
    live.finished.forEach((ev) => {
      const li = document.createElement("li");
      li.className = ev.faults.length ? "fault" : ev.good ? "ok" : "";
      li.textContent = ev.line;
      el.summaryLog.appendChild(li);
    });
    if (msg) {
      const reps = live.carry.reps + (msg.reps || 0);
      el.summaryLine.textContent = msg.counts === "holds" ? msg.summary
        : "Reps counted: " + reps + (live.carry.reps ? " (over " + (live.reconnects + 1) + " connections)" : "");
      el.count.textContent = String(msg.counts === "holds" ? live.carry.holds + (msg.holds || 0) : reps);
      live.summary = msg;
      el.saveBtn.hidden = !msg.saveable;
      el.saveStatus.textContent = msg.saveable ? "" : "This set cannot be saved: " + msg.not_saveable_because + ".";
      el.saveStatus.className = "status";
    } else {
      el.summaryLine.textContent = "The server was away at the end of the set: the reps above are those counted.";
      el.saveBtn.hidden = true;
    }
    el.saveBtn.disabled = false;
    el.summary.scrollIntoView({ block: "nearest" });
  }

  function save() {
    const ws = live.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      el.saveStatus.textContent = "Not saved: the connection to the server is lost.";
      return;
    }
    const msg = { type: "save" };
    if (el.saveAthlete) {
      if (!el.saveAthlete.value) {
        el.saveStatus.textContent = "Pick the athlete whose history the set goes to.";
        el.saveAthlete.focus();
        return;
      }
      msg.athlete = el.saveAthlete.value;
    }
    el.saveBtn.disabled = true;
    el.saveStatus.className = "status";
    el.saveStatus.textContent = "Saving the set…";
    ws.send(JSON.stringify(msg));
  }

  function stats() {
    const sorted = live.rtts.slice().sort((a, b) => a - b);
    const pick = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : null);
    return {
      sent: live.sent, analysed: live.analysed, dropped: live.dropped,
      seconds: (performance.now() - live.setStart) / 1000,
      rtt_median_ms: pick(0.5), rtt_p95_ms: pick(0.95), rtts: live.rtts.slice(),
      server_ms: live.serverMs.slice(),
      reps: live.carry.reps + (live.last ? live.last.reps : 0),
    };
  }

  el.form.addEventListener("submit", start);
  el.end.addEventListener("click", endSet);
  el.again.addEventListener("click", () => { el.summary.hidden = true; el.setup.hidden = false; el.live.hidden = true; el.start.disabled = false; });
  el.saveBtn.addEventListener("click", save);
  el.mute.addEventListener("click", () => {
    live.muted = !live.muted;
    localStorage.setItem(MUTE_KEY, live.muted ? "1" : "0");
    if (live.muted && "speechSynthesis" in window) window.speechSynthesis.cancel();
    showMute();
  });
  el.video.addEventListener("loadedmetadata", sizeOverlay);
  showMute();
  drawMarks();
  window.fcLive = { state: live, stats: stats, end: endSet };
})();
