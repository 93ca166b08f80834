/* Read along: while the audio plays, the sentence being heard is highlighted and kept in view; a
   sentence clicked (or Enter/Space on it) plays from there. The player's <track> is the edition's
   WebVTT, whose cue ids are the ids of the sentences on the page. Without this script the page is
   complete: the text, the player and the transcript all work on their own (and the hint that says how
   to read along is hidden by a <noscript> style, so showing it never shifts the page). */
(function () {
  "use strict";
  var audio = document.querySelector("audio[data-readalong]");
  var trackEl = audio && audio.querySelector("track");
  if (!audio || !trackEl || !trackEl.track) { return; }
  var track = trackEl.track;
  var motion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)");
  var current = null;
  var wired = false;
  track.mode = "hidden"; /* cues are read here; an audio element draws no captions anyway */

  function sentenceOf(cue) {
    /* A long sentence is split into cues "KEY", "KEY.2", ...: all belong to the element "KEY". */
    return document.getElementById(cue.id.replace(/\.\d+$/, ""));
  }

  function cueAt(time) {
    var cues = track.cues;
    for (var i = 0; cues && i < cues.length; i++) {
      if (cues[i].startTime <= time && time < cues[i].endTime) { return cues[i]; }
    }
    return null;
  }

  function inView(el) {
    var box = el.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= (window.innerHeight || document.documentElement.clientHeight);
  }

  function show() {
    var cue = cueAt(audio.currentTime);
    var el = cue ? sentenceOf(cue) : null;
    if (el === current) { return; }
    if (current) { current.classList.remove("reading"); current.removeAttribute("aria-current"); }
    current = el;
    if (!el) { return; }
    el.classList.add("reading");
    el.setAttribute("aria-current", "true");
    if (!inView(el) && !el.contains(document.activeElement)) {
      el.scrollIntoView({ block: "center", behavior: motion && motion.matches ? "auto" : "smooth" });
    }
  }

  function playFrom(cue) {
    audio.currentTime = cue.startTime;
    var played = audio.play();
    if (played && played.catch) { played.catch(function () {}); }
  }

  function wire() {
    if (wired || !track.cues || !track.cues.length) { return; }
    wired = true;
    var seen = {};
    for (var i = 0; i < track.cues.length; i++) {
      (function (cue) {
        var el = sentenceOf(cue);
        if (!el || seen[el.id]) { return; }
        seen[el.id] = true;
        el.classList.add("cue");
        el.tabIndex = 0;
        el.addEventListener("click", function (event) {
          if (event.target.closest && event.target.closest("a")) { return; }
          playFrom(cue);
        });
        el.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") { event.preventDefault(); playFrom(cue); }
        });
      })(track.cues[i]);
    }
    show();
  }

  trackEl.addEventListener("load", wire);
  track.addEventListener("cuechange", show);
  audio.addEventListener("timeupdate", show);
  audio.addEventListener("seeked", show);
  wire();
})();
