// A "复制" button next to a read-only field: button[data-copy-target="#id"] copies its value
// and says so on the button for two seconds (data-copied-text).
(function () {
  document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
    var field = document.querySelector(button.dataset.copyTarget);
    if (!field) { return; }
    var label = button.textContent;
    button.classList.remove("d-none");
    button.addEventListener("click", function () {
      var done = function () {
        button.textContent = button.dataset.copiedText;
        setTimeout(function () { button.textContent = label; }, 2000);
      };
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          document.execCommand("copy"); done();
        });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  });
})();
