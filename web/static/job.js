// The job page opens its log pane at the line it is about (the cause), centred, while the page
// itself stays at the top with the verdict and the likely cause; a #L anchor in the address wins.
(function () {
  var pane = document.getElementById("log");
  if (!pane || location.hash) return;
  var line = pane.querySelector(".ln.cause");
  if (!line) return;
  pane.scrollTop = line.offsetTop - (pane.clientHeight - line.offsetHeight) / 2;
})();
