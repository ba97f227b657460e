// The check-in QR code changes every minute: reload it often enough that it is never stale.
(function () {
  var image = document.getElementById("checkin-qr");
  if (!image) { return; }
  var base = image.dataset.src;
  setInterval(function () { image.src = base + "?t=" + Date.now(); }, 10000);
})();
