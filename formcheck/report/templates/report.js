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
    var unit = svg.getAttribute("data-unit") || "";
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
      var v = hit && hit[1] !== null ? hit[1].toFixed(unit === "deg" ? 0 : 2) + " " + unit : "not measured";
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
