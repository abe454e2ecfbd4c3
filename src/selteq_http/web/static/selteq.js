// Shows every <time datetime="…Z"> in the browser's own time zone; without JavaScript the
// page keeps the UTC time it was sent with, labelled "UTC".
(function () {
  "use strict";
  var format = new Intl.DateTimeFormat(undefined, {
    year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
    timeZoneName: "short"
  });
  document.querySelectorAll("time[datetime]").forEach(function (node) {
    var moment = new Date(node.getAttribute("datetime"));
    if (!isNaN(moment.getTime())) {
      node.title = node.textContent;
      node.textContent = format.format(moment);
      node.setAttribute("data-local", "");
    }
  });
})();
