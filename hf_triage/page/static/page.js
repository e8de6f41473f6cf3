// The caseworker page works without this file; with it, the print button appears.
// No inline script anywhere (Content-Security-Policy: script-src 'self').
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
});
