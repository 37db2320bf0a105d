// Hover readout on the plots: time and value under the pointer. No network, no libraries.
(function () {
  "use strict";
  function nearest(points, t) {
    var lo = 0, hi = points.length - 1;
    if (hi < 0) { return null; }
    while (hi - lo > 1) {
      var mid = (lo + hi) >> 1;
      if (points[mid][0] < t) { lo = mid; } else { hi = mid; }
    }
    return Math.abs(points[lo][0] - t) <= Math.abs(points[hi][0] - t) ? points[lo] : points[hi];
  }
  function setup(svg) {
    var data = JSON.parse(svg.getAttribute("data-points") || "[]");
    var box = JSON.parse(svg.getAttribute("data-box") || "null");
    var cursor = svg.querySelector(".cursor");
    var readout = svg.querySelector(".readout");
    if (!box || !cursor || !readout) { return; }
    // written as formcheck.report.units writes the unit: its decimals and its suffix
    var digits = parseInt(svg.getAttribute("data-digits") || "2", 10);
    var suffix = svg.getAttribute("data-suffix") || "";
    var names = JSON.parse(svg.getAttribute("data-names") || "[]");
    function written(v, i) {
      var name = names[i] ? names[i] + " " : "";
      return name + (v === null ? "not measured" : v.toFixed(digits) + suffix);
    }
    svg.addEventListener("mousemove", function (ev) {
      var pt = svg.createSVGPoint();
      pt.x = ev.clientX; pt.y = ev.clientY;
      var ctm = svg.getScreenCTM();
      if (!ctm) { return; }
      var p = pt.matrixTransform(ctm.inverse());
      if (p.x < box.x0 || p.x > box.x1) { cursor.style.visibility = "hidden"; return; }
      var t = box.t0 + (p.x - box.x0) / (box.x1 - box.x0) * (box.t1 - box.t0);
      var hit = nearest(data, t);
      cursor.setAttribute("x1", p.x); cursor.setAttribute("x2", p.x);
      cursor.style.visibility = "visible";
      var v = hit ? hit.slice(1).map(written).join(", ") : "not measured";
      readout.textContent = "t = " + t.toFixed(2) + " s: " + v;
    });
    svg.addEventListener("mouseleave", function () {
      cursor.style.visibility = "hidden";
      readout.textContent = "";
    });
  }
  var plots = document.querySelectorAll("svg.plot[data-points]");
  for (var i = 0; i < plots.length; i++) { setup(plots[i]); }
  document.documentElement.setAttribute("data-plots-ready", String(plots.length));
})();

// Click a key frame to see it large; click again or press Escape to close it.
(function () {
  "use strict";
  var box = document.getElementById("zoom");
  if (!box || typeof box.showModal !== "function") { return; }
  var big = box.querySelector("img");
  var frames = document.querySelectorAll("img.keyframe");
  for (var i = 0; i < frames.length; i++) {
    frames[i].addEventListener("click", function (ev) {
      big.src = ev.currentTarget.src;
      big.alt = ev.currentTarget.alt;
      box.showModal();
    });
  }
  box.addEventListener("click", function () { box.close(); });
  document.documentElement.setAttribute("data-zoom-ready", String(frames.length));
})();
