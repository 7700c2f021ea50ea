// The job page opens its log pane at the line it is about (the cause), a quarter of the way down
// so the lines leading to it show, while the page stays at its top with the verdict and the
// likely cause; on a short screen the page scrolls just enough to show the line. A #L anchor wins.
// It runs once the style sheet has laid the pane out (load), not before.
window.addEventListener("load", function () {
  var pane = document.getElementById("log");
  if (!pane || location.hash) return;
  var line = pane.querySelector(".ln.cause");
  if (!line) return;
  pane.scrollTop += line.getBoundingClientRect().top - pane.getBoundingClientRect().top - pane.clientHeight / 4;
  var below = line.getBoundingClientRect().bottom - window.innerHeight;
  if (below > 0) window.scrollBy(0, below + line.offsetHeight);
});
