/* formcheck serve: the athlete's phone page (/a/<token>).
 *
 * Pick the drill and the side filmed, record or choose a clip, upload it with tus-js-client
 * (resumable: retries a dropped connection, continues after a reload when the same clip is
 * chosen again), then follow the clip's analysis over server-sent events and open its report.
 * Config comes from the JSON block #fc-config (the page runs under script-src 'self').
 */
"use strict";

(function () {
  const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000];
  const CHUNK_SIZE = 2 * 1024 * 1024;
  /* after the retries run out with the network still up (the server away), try again in */
  const RESTART_AFTER_MS = 30000;
  /* the clip a finished upload made may take a moment to appear */
  const CLIP_LOOKUP_DELAYS = [0, 500, 1000, 2000, 3000, 5000, 8000];
  const HISTORY_POLL_MS = 10000;
  const STAGE_WORDS = {
    waiting: "waiting for analysis",
    tracking: "analysing: tracking",
    judging: "analysing: judging the reps",
    video: "analysing: making the annotated video",
    done: "done",
  };
  const CLIP_STATUS_WORDS = {
    queued: "… queued",
    running: "⟳ analysing",
    done: "✓ done",
    failed: "✗ failed",
  };

  const cfg = JSON.parse(document.getElementById("fc-config").textContent);
  const $ = (id) => document.getElementById(id);
  const el = {
    form: $("upload-form"),
    drill: $("drill"),
    record: $("file-record"),
    choose: $("file-choose"),
    chosen: $("chosen"),
    chosenName: $("chosen-name"),
    chosenFacts: $("chosen-facts"),
    preview: $("preview"),
    resumeNote: $("resume-note"),
    uploadBtn: $("upload-btn"),
    stopBtn: $("stop-btn"),
    progressBox: $("progress-box"),
    progress: $("progress"),
    pct: $("pct"),
    bytes: $("bytes"),
    status: $("status"),
    error: $("error"),
    history: $("history"),
    historyEmpty: $("history-empty"),
  };
  const drillNames = {};
  (cfg.drills || []).forEach((d) => { drillNames[d.id] = d.name; });
  const followKey = "fc-follow-" + cfg.token;

  let file = null;
  let previewUrl = null;
  let upload = null;
  let uploading = false;
  let restartTimer = null;
  let source = null;
  let followedClip = null;
  let historyTimer = null;
  let wakeLock = null;
  let paused = false;

  /* -- small helpers ------------------------------------------------------------------------ */

  function setStatus(text) { el.status.textContent = text; }

  function showError(text) {
    el.error.textContent = text;
    el.error.hidden = false;
  }

  function hideError() {
    el.error.hidden = true;
    el.error.textContent = "";
  }

  function mb(bytes) {
    return (bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0) + " MB";
  }

  function duration(seconds) {
    const s = Math.round(seconds);
    return s < 60 ? s + " s" : Math.floor(s / 60) + " min " + (s % 60) + " s";
  }

  function showProgress(fraction, facts) {
    const pct = Math.max(0, Math.min(100, Math.round(fraction * 100)));
    el.progressBox.hidden = false;
    el.progress.value = pct;
    el.progress.textContent = pct + " %";
    el.pct.textContent = pct + " %";
    el.bytes.textContent = facts || "";
  }

  function selectedSide() {
    const checked = el.form.querySelector('input[name="side"]:checked');
    return checked ? checked.value : "unknown";
  }

  function sleep(ms) { return new Promise((resolve) => { setTimeout(resolve, ms); }); }

  async function keepAwake(on) {
    try {
      if (on && !wakeLock && navigator.wakeLock) {
        wakeLock = await navigator.wakeLock.request("screen");
        wakeLock.addEventListener("release", () => { wakeLock = null; });
      } else if (!on && wakeLock) {
        await wakeLock.release();
        wakeLock = null;
      }
    } catch (err) {
      wakeLock = null; /* not allowed here (battery saver, old browser): the upload goes on */
    }
  }

  /* The server's one-line message of a failed request: its JSON {"detail": ...}. */
  function serverMessage(response) {
    if (!response) return null;
    let body = null;
    try { body = response.getBody ? response.getBody() : null; } catch (err) { body = null; }
    if (body) {
      try {
        const data = JSON.parse(body);
        if (typeof data.detail === "string") return data.detail;
        if (Array.isArray(data.detail) && data.detail.length) {
          return data.detail.map((d) => (d && d.msg) || String(d)).join("; ");
        }
      } catch (err) {
        if (body.length < 300 && body.indexOf("<") < 0) return body.trim();
      }
    }
    return null;
  }

  function statusOf(err) {
    return err && err.originalResponse ? err.originalResponse.getStatus() : 0;
  }

  function isRejection(status) {
    return status >= 400 && status < 500 && status !== 409 && status !== 423;
  }

  /* -- drill tips ----------------------------------------------------------------------------- */

  function showTips() {
    const lists = document.querySelectorAll(".tips[data-drill]");
    let shown = false;
    lists.forEach((list) => {
      list.hidden = list.dataset.drill !== el.drill.value;
      shown = shown || !list.hidden;
    });
    if (!shown && lists.length) lists[0].hidden = false;
  }

  /* -- the chosen clip ---------------------------------------------------------------------- */

  function pickFile(input) {
    const chosen = input.files && input.files[0];
    input.value = ""; /* choosing the same clip again still fires change */
    if (!chosen) return;
    if (uploading) {
      showError("An upload is running: pause it before choosing another clip.");
      return;
    }
    hideError();
    file = chosen;
    upload = null;
    el.chosen.hidden = false;
    el.chosenName.textContent = file.name || "recorded clip";
    el.chosenFacts.textContent = mb(file.size);
    el.uploadBtn.textContent = "Upload";
    el.progressBox.hidden = true;
    setStatus("");
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = URL.createObjectURL(file);
    el.preview.hidden = false;
    el.preview.src = previewUrl;
    const tooBig = cfg.max_upload_mb && file.size > cfg.max_upload_mb * 1024 * 1024;
    if (tooBig) {
      showError("This clip is " + mb(file.size) + ": clips up to " + cfg.max_upload_mb +
        " MB are taken. Film a shorter set, or trim it.");
    }
    el.uploadBtn.disabled = Boolean(tooBig);
    showResumable(file);
  }

  function onPreviewMetadata() {
    const seconds = el.preview.duration;
    if (!file || !isFinite(seconds)) return;
    el.chosenFacts.textContent = mb(file.size) + " · " + duration(seconds);
    if (cfg.max_duration_s && seconds > cfg.max_duration_s + 1) {
      showError("This clip is " + duration(seconds) + " long: clips up to " +
        duration(cfg.max_duration_s) + " are analysed. Trim it, or film one set.");
      el.uploadBtn.disabled = true;
    }
  }

  /* -- resumable uploads (tus) ------------------------------------------------------------------ */

  function fingerprint(chosen) {
    /* one athlete, one clip, one choice of drill and side: a clip sent again with another
     * drill is a new upload, not the old one resumed under the old choice */
    return Promise.resolve(["fc", cfg.token, el.drill.value, selectedSide(), chosen.name,
      chosen.type, chosen.size, chosen.lastModified].join("-"));
  }

  /* On load and on choosing a clip: say that an unfinished upload can go on. */
  async function showResumable(chosen) {
    if (!window.tus || !tus.defaultOptions || !tus.defaultOptions.urlStorage) return;
    let entries = [];
    try {
      entries = await tus.defaultOptions.urlStorage.findAllUploads();
    } catch (err) {
      return;
    }
    const prefix = "tus::fc-" + cfg.token + "-";
    const mine = entries.filter((e) => e.urlStorageKey && e.urlStorageKey.indexOf(prefix) === 0);
    if (!mine.length) {
      el.resumeNote.hidden = true;
      return;
    }
    const last = mine[mine.length - 1];
    const name = (last.metadata && last.metadata.filename) || "a clip";
    const same = chosen && mine.some((e) => e.size === chosen.size &&
      e.metadata && e.metadata.filename === chosen.name);
    el.resumeNote.textContent = same
      ? "This clip was partly uploaded before: Upload continues where it stopped."
      : "An upload of " + name + " (" + mb(last.size || 0) + ") did not finish. " +
        "Choose the same clip again (same drill and side) to continue where it stopped.";
    el.resumeNote.hidden = false;
  }

  function makeUpload(chosen) {
    return new tus.Upload(chosen, {
      endpoint: cfg.upload_url,
      chunkSize: CHUNK_SIZE,
      retryDelays: RETRY_DELAYS,
      headers: { "X-Invite-Token": cfg.token },
      metadata: {
        filename: chosen.name || "clip.mp4",
        filetype: chosen.type || "video/mp4",
        drill: el.drill.value || "auto",
        side: selectedSide(),
      },
      fingerprint: fingerprint,
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onProgress: onUploadProgress,
      onShouldRetry: onShouldRetry,
      onError: onUploadError,
      onSuccess: onUploadSuccess,
    });
  }

  function onUploadProgress(sent, total) {
    const fraction = total ? sent / total : 0;
    showProgress(fraction, mb(sent) + " of " + mb(total));
    setStatus("uploading " + Math.floor(fraction * 100) + " %");
  }

  function onShouldRetry(err, attempt) {
    const status = statusOf(err);
    if (isRejection(status)) return false;
    if (navigator.onLine === false) return false; /* resumed on the "online" event */
    setStatus("connection lost — retrying (" + (attempt + 1) + " of " + RETRY_DELAYS.length + ")");
    return true;
  }

  function onUploadError(err) {
    const status = statusOf(err);
    if (isRejection(status)) {
      stopUploading();
      el.uploadBtn.textContent = "Upload";
      upload = null;
      forgetUpload();
      el.progressBox.hidden = true;
      setStatus("upload refused");
      showError(serverMessage(err.originalResponse) ||
        "The server refused this clip (HTTP " + status + ").");
      return;
    }
    /* the network or the server is away: keep the upload, go on when it is back */
    el.uploadBtn.textContent = "Resume upload";
    el.uploadBtn.disabled = false;
    el.stopBtn.hidden = true;
    if (navigator.onLine === false) {
      setStatus("connection lost — the upload goes on when you are back online");
    } else {
      setStatus("connection lost — trying again in " + RESTART_AFTER_MS / 1000 + " s");
      clearTimeout(restartTimer);
      restartTimer = setTimeout(() => { if (!uploading && upload && !paused) resume(); }, RESTART_AFTER_MS);
    }
    uploading = false;
    const message = serverMessage(err.originalResponse);
    if (message && status >= 500) showError(message);
  }

  function forgetUpload() {
    /* a refused upload must not be offered for resuming */
    if (!file || !window.tus) return;
    fingerprint(file).then((fp) => {
      const storage = tus.defaultOptions.urlStorage;
      return storage.findUploadsByFingerprint(fp).then((found) =>
        Promise.all(found.map((e) => storage.removeUpload(e.urlStorageKey))));
    }).catch(() => {});
  }

  async function start() {
    if (!file) return;
    if (!window.tus || !tus.isSupported) {
      showError("This browser cannot upload here: try an up-to-date Chrome, Safari or Firefox.");
      return;
    }
    hideError();
    closeStream();
    upload = makeUpload(file);
    uploading = true;
    el.uploadBtn.disabled = true;
    el.stopBtn.hidden = false;
    el.resumeNote.hidden = true;
    setStatus("starting the upload");
    showProgress(0, "0 MB of " + mb(file.size));
    keepAwake(true);
    try {
      const previous = await upload.findPreviousUploads();
      if (previous.length) {
        previous.sort((a, b) => new Date(b.creationTime) - new Date(a.creationTime));
        upload.resumeFromPreviousUpload(previous[0]);
        setStatus("continuing an earlier upload");
      }
    } catch (err) {
      /* no storage (private mode): a fresh upload */
    }
    upload.start();
  }

  function resume() {
    clearTimeout(restartTimer);
    paused = false;
    if (!upload) { start(); return; }
    hideError();
    uploading = true;
    el.uploadBtn.disabled = true;
    el.stopBtn.hidden = false;
    setStatus("resuming the upload");
    keepAwake(true);
    upload.start();
  }

  function pause() {
    if (!upload || !uploading) return;
    upload.abort(); /* keeps the server's part: Resume goes on from there */
    paused = true;
    stopUploading();
    el.uploadBtn.textContent = "Resume upload";
    el.uploadBtn.disabled = false;
    setStatus("paused — Resume upload goes on where it stopped");
  }

  function stopUploading() {
    uploading = false;
    clearTimeout(restartTimer);
    el.stopBtn.hidden = true;
    keepAwake(false);
  }

  function onSubmit(event) {
    event.preventDefault();
    if (uploading || !file) return;
    if (upload) resume(); /* paused or cut off: go on where it stopped */
    else start();
  }

  async function onUploadSuccess() {
    const url = upload && upload.url ? upload.url : "";
    stopUploading();
    upload = null;
    file = null;
    el.uploadBtn.disabled = true;
    el.uploadBtn.textContent = "Upload";
    showProgress(1, "uploaded");
    setStatus("uploaded — waiting for analysis");
    const id = url.replace(/\/+$/, "").split("/").pop();
    const clip = await findClip(id);
    if (!clip) {
      showError("The clip was uploaded, but the server did not say which analysis it started. " +
        "It will appear in your history.");
      refreshHistory();
      return;
    }
    follow(clip, true);
  }

  async function findClip(uploadId) {
    for (const delay of CLIP_LOOKUP_DELAYS) {
      if (delay) await sleep(delay);
      try {
        const r = await fetch(cfg.api + "/uploads/" + encodeURIComponent(uploadId), {
          headers: { "X-Invite-Token": cfg.token, Accept: "application/json" },
          credentials: "same-origin",
        });
        if (r.ok) return await r.json();
        if (r.status !== 404 && r.status !== 409 && r.status < 500) {
          showError(await responseMessage(r));
          return null;
        }
      } catch (err) {
        /* offline for a moment: try again */
      }
    }
    return null;
  }

  async function responseMessage(r) {
    try {
      const data = await r.json();
      if (typeof data.detail === "string") return data.detail;
    } catch (err) { /* not JSON */ }
    return "The server answered HTTP " + r.status + ".";
  }

  /* -- following the analysis (server-sent events) ------------------------------------------ */

  function follow(clip, navigate) {
    closeStream();
    followedClip = { clip_id: clip.clip_id, url: clip.url, events: clip.events, navigate: navigate };
    try { sessionStorage.setItem(followKey, JSON.stringify(followedClip)); } catch (err) { /* private mode */ }
    refreshHistory();
    if (!window.EventSource) {
      pollClip();
      return;
    }
    source = new EventSource(clip.events);
    source.addEventListener("status", onStatusEvent);
    source.onerror = () => {
      if (!source) return;
      if (source.readyState === EventSource.CLOSED) {
        source = null;
        pollClip(); /* the stream was refused: read the history instead */
      } else {
        setStatus("connection lost — reconnecting");
      }
    };
  }

  function onStatusEvent(event) {
    let data;
    try { data = JSON.parse(event.data); } catch (err) { return; }
    showClipStatus(data);
  }

  function showClipStatus(data) {
    const progress = typeof data.progress === "number" ? data.progress : 0;
    if (data.status === "done") {
      finishFollowing();
      showProgress(1, "analysed");
      setStatus("done — opening your report");
      const target = followedClip && followedClip.url;
      const navigate = followedClip && followedClip.navigate;
      followedClip = null;
      refreshHistory();
      if (target && navigate) window.location.assign(target);
      else if (target) setStatus("done — your report is in the history below");
      return;
    }
    if (data.status === "failed") {
      finishFollowing();
      followedClip = null;
      el.progressBox.hidden = true;
      setStatus("analysis failed");
      showError(data.message || "The analysis failed.");
      refreshHistory();
      return;
    }
    const stage = data.stage || (data.status === "queued" ? "waiting" : "tracking");
    let words = STAGE_WORDS[stage] || "analysing";
    if (stage !== "waiting" && progress > 0) words += " " + Math.floor(progress * 100) + " %";
    if (data.message) words += " — " + data.message;
    setStatus(words);
    showProgress(progress, stage === "waiting" ? "in the queue" : "analysis");
  }

  function finishFollowing() {
    closeStream();
    try { sessionStorage.removeItem(followKey); } catch (err) { /* private mode */ }
  }

  function closeStream() {
    if (source) {
      source.close();
      source = null;
    }
  }

  /* Without a stream: read the clip's status from the history until it is done or failed. */
  async function pollClip() {
    while (followedClip && !source) {
      const clips = await fetchClips();
      const clip = clips && clips.find((c) => c.id === followedClip.clip_id);
      if (clip) {
        if (clip.status === "done" || clip.status === "failed") {
          showClipStatus({ status: clip.status, message: clip.error, progress: 1 });
          return;
        }
        showClipStatus({ status: clip.status, stage: clip.status === "queued" ? "waiting" : "tracking", progress: 0 });
      }
      await sleep(3000);
    }
  }

  /* -- history ------------------------------------------------------------------------------- */

  async function fetchClips() {
    try {
      const r = await fetch(cfg.api + "/clips", {
        headers: { "X-Invite-Token": cfg.token, Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!r.ok) return null;
      const data = await r.json();
      return Array.isArray(data.clips) ? data.clips : null;
    } catch (err) {
      return null;
    }
  }

  function span(cls, text) {
    const s = document.createElement("span");
    if (cls) s.className = cls;
    s.textContent = text;
    return s;
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function clipItem(c) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.className = "clip";
    a.href = c.url;
    const top = span("clip-top", "");
    const time = document.createElement("time");
    time.dateTime = c.created;
    time.textContent = localTime(c.created);
    top.append(time, span("clip-status st-" + c.status, CLIP_STATUS_WORDS[c.status] || c.status));
    a.append(top, span("clip-drill", c.drill ? (drillNames[c.drill] || c.drill) : "drill not known yet"));
    if (c.status === "done") {
      const facts = span("clip-facts", "");
      const hasReps = c.reps !== null && c.reps !== undefined;
      if (hasReps && (c.reps > 0 || !c.longest_hold_s)) facts.append(span("", plural(c.reps, "rep")));
      if (c.faults !== null && c.faults !== undefined) facts.append(span("", plural(c.faults, "fault")));
      if (c.longest_hold_s) {
        const mark = c.hold_mark && c.hold_mark !== "none" ? " (" + c.hold_mark + " mark)" : "";
        facts.append(span("", "longest hold " + c.longest_hold_s.toFixed(1) + " s" + mark));
      }
      a.append(facts);
    } else if (c.status === "failed" && c.error) {
      a.append(span("clip-error", c.error));
    }
    li.append(a);
    return li;
  }

  async function refreshHistory() {
    const clips = await fetchClips();
    if (!clips) return;
    el.history.replaceChildren(...clips.map(clipItem));
    el.historyEmpty.hidden = clips.length > 0;
    const busy = clips.some((c) => c.status === "queued" || c.status === "running");
    clearTimeout(historyTimer);
    if (busy) historyTimer = setTimeout(refreshHistory, HISTORY_POLL_MS);
  }

  function localTime(iso) {
    const d = new Date(iso);
    if (isNaN(d.getTime())) return iso;
    try {
      return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
    } catch (err) {
      return d.toLocaleString();
    }
  }

  function localiseTimes() {
    el.history.querySelectorAll("time[datetime]").forEach((t) => {
      t.textContent = localTime(t.getAttribute("datetime"));
    });
  }

  /* -- wiring -------------------------------------------------------------------------------- */

  el.drill.addEventListener("change", () => { showTips(); if (file) showResumable(file); });
  el.form.querySelectorAll('input[name="side"]').forEach((r) => {
    r.addEventListener("change", () => { if (file) showResumable(file); });
  });
  el.record.addEventListener("change", () => pickFile(el.record));
  el.choose.addEventListener("change", () => pickFile(el.choose));
  el.preview.addEventListener("loadedmetadata", onPreviewMetadata);
  el.preview.addEventListener("error", () => { el.preview.hidden = true; }); /* a codec this browser cannot show: the server may still read it */
  el.form.addEventListener("submit", onSubmit);
  el.stopBtn.addEventListener("click", pause);
  window.addEventListener("online", () => {
    if (upload && !uploading && !paused) resume();
  });
  window.addEventListener("offline", () => {
    if (uploading) setStatus("connection lost — waiting for the network");
  });
  window.addEventListener("beforeunload", (event) => {
    if (uploading) {
      event.preventDefault();
      event.returnValue = ""; /* the upload can be resumed, but say so before leaving */
    }
  });

  showTips();
  localiseTimes();
  showResumable(null);
  let pending = null;
  try { pending = JSON.parse(sessionStorage.getItem(followKey) || "null"); } catch (err) { pending = null; }
  if (pending && pending.events) {
    setStatus("waiting for analysis");
    follow(pending, pending.navigate);
  } else if (el.history.querySelector(".st-queued, .st-running")) {
    historyTimer = setTimeout(refreshHistory, HISTORY_POLL_MS);
  }
})();
