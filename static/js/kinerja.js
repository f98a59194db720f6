/* kinerja_web: the few enhancements htmx cannot express in attributes (no inline script,
   strict CSP). Old Android browsers: ES5 only. Served after htmx in one file. */
(function () {
  "use strict";
  var tertunda = [];

  function tulisStatus(elt, pesan, kelas) {
    var id = elt && elt.getAttribute("data-status");
    var status = document.getElementById(id || "status-simpan");
    if (status) {
      status.textContent = pesan;
      status.className = "bantuan " + (kelas || "");
    }
  }

  /* A save that could not be sent: the text stays in the field; say so, retry online. */
  document.addEventListener("htmx:sendError", function (e) {
    var elt = e.detail.elt;
    if (tertunda.indexOf(elt) < 0) { tertunda.push(elt); }
    tulisStatus(elt, "Belum tersimpan: koneksi terputus. Isian Anda tetap di layar dan " +
      "dikirim lagi otomatis saat tersambung.", "gagal");
  });

  document.addEventListener("htmx:responseError", function (e) {
    if (e.detail.xhr && e.detail.xhr.status >= 500) {
      tulisStatus(e.detail.elt, "Belum tersimpan: server sedang bermasalah. Isian Anda " +
        "tetap di layar; coba simpan lagi sebentar lagi.", "gagal");
    }
  });

  /* After a step change swapped in place, move keyboard and screen-reader focus to the new
     step's heading (as a full page load would start at the top), not after autosaves. */
  document.addEventListener("htmx:afterSettle", function (e) {
    var cfg = e.detail.requestConfig;
    var asal = cfg && cfg.elt;  /* the element that made the request */
    if (!asal || asal.tagName !== "FORM" || !e.target.querySelector) { return; }
    var judul = e.target.querySelector("[data-judul-langkah]");
    if (judul) { judul.focus(); }
  });

  /* Character counters count on the device as you type (maxlength stops at the limit;
     the server still checks). The counter is the described-by element with data-maks. */
  document.addEventListener("input", function (e) {
    var t = e.target, ids = (t.getAttribute && t.getAttribute("aria-describedby")) || "";
    ids = ids.split(" ");
    for (var i = 0; i < ids.length; i++) {
      var c = document.getElementById(ids[i]);
      if (c && c.hasAttribute("data-maks")) {
        var maks = +c.getAttribute("data-maks");
        var n = t.value.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, "_").length;
        c.textContent = n + "/" + maks;
        c.className = "penghitung" + (n > maks ? " lebih" : "");
      }
    }
  });

  window.addEventListener("online", function () {
    var daftar = tertunda;
    tertunda = [];
    for (var i = 0; i < daftar.length; i++) {
      if (document.body.contains(daftar[i])) { window.htmx.trigger(daftar[i], "simpan-ulang"); }
    }
  });
})();
