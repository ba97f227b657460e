// Unread-notification badge in the navigation, fetched after the page so pages pay no query.
(function () {
  var link = document.getElementById("inbox-link");
  var badge = document.getElementById("inbox-badge");
  if (!link || !badge || !window.fetch) { return; }
  fetch(link.dataset.unreadUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
    .then(function (response) { return response.ok ? response.json() : {unread: 0}; })
    .then(function (data) {
      if (data.unread > 0) {
        badge.textContent = data.unread > 99 ? "99+" : String(data.unread);
        badge.classList.remove("d-none");
      }
    })
    .catch(function () {});
})();
