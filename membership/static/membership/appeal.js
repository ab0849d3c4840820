/* Patron appeal: frequency caps, dismissal and totals-only beacons.
 * Loaded in <head> of every article, before first paint, so a hidden appeal never flashes
 * or shifts layout, and every article view counts toward the caps (data-appeal="" when the
 * article shows no appeal). In preview (data-preview="1") it only shows the appeal.
 * Settings come from this script tag's data- attributes; the HTML is the same for everyone.
 * Without JavaScript the appeal simply shows. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var config = script.dataset;
  var root = document.documentElement;
  var DAY_MS = 24 * 60 * 60 * 1000;
  var DISMISS_MS = 7 * DAY_MS;
  var PREFIX = "membership.appeal.";

  root.classList.add("patron-appeal-js");

  function onReady(callback) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", callback);
    } else {
      callback();
    }
  }

  // The first visible element after `element` in reading order: its next sibling, else its
  // parent's, and so on. Hidden elements (another appeal, once dismissed) are skipped.
  function nextContent(element) {
    for (var node = element; node && node !== document.body; node = node.parentElement) {
      for (var next = node.nextElementSibling; next; next = next.nextElementSibling) {
        if (next.getClientRects().length > 0) return next;
      }
    }
    return null;
  }

  // Hide every appeal, then move focus to the content after the dismissed one, so keyboard
  // and screen reader users go on reading there rather than from the top of <body>.
  function dismiss(element) {
    root.classList.add("patron-appeal-hidden");
    var target = nextContent(element);
    if (!target) return;
    if (!target.hasAttribute("tabindex") && target.tabIndex < 0) {
      target.setAttribute("tabindex", "-1");
      target.classList.add("patron-appeal-focus-target");
      target.addEventListener("blur", function () {
        target.removeAttribute("tabindex");
        target.classList.remove("patron-appeal-focus-target");
      }, { once: true });
    }
    target.focus();
  }

  // An editor's preview: show the appeal as it is, with its close button. It reads and
  // writes nothing of this browser's caps and dismissal, and sends no beacon.
  if (config.preview === "1") {
    onReady(function () {
      var appeals = document.querySelectorAll(".patron-appeal");
      Array.prototype.forEach.call(appeals, function (element) {
        var close = element.querySelector(".patron-appeal__close");
        if (!close) return;
        close.hidden = false;
        close.addEventListener("click", function () { dismiss(element); });
      });
    });
    return;
  }

  function read(key) {
    try { return window.localStorage.getItem(PREFIX + key); } catch (e) { return null; }
  }
  function write(key, value) {
    try { window.localStorage.setItem(PREFIX + key, String(value)); } catch (e) { /* private mode */ }
  }
  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + (d.getMonth() + 1) + "-" + d.getDate();
  }
  function isPatron() {
    return document.cookie.split(";").some(function (part) {
      return part.trim() === "membership_patron=1";
    });
  }

  // One article view, counted once per page load, whether or not the article has an appeal.
  var views = (parseInt(read("views"), 10) || 0) + 1;
  write("views", views);

  // No appeal on this article (none matches, or promotions are off): nothing more to do.
  if (!config.appeal) return;

  function shouldHide() {
    if (config.hideForPatrons === "1" && isPatron()) return true;
    var dismissedUntil = parseInt(read("dismissedUntil"), 10) || 0;
    if (dismissedUntil > Date.now()) return true;
    if (config.frequency === "every_k_views") {
      var every = Math.max(parseInt(config.every, 10) || 1, 1);
      var lastView = parseInt(read("lastShownView"), 10);
      if (!isNaN(lastView) && views - lastView < every) return true;
    } else if (config.frequency === "daily") {
      if (read("lastShownDay") === today()) return true;
    }
    return false;
  }

  if (shouldHide()) {
    root.classList.add("patron-appeal-hidden");
    return;
  }
  write("lastShownView", views);
  write("lastShownDay", today());

  var sent = {};
  function beacon(element, event) {
    var url = element.getAttribute("data-beacon");
    var id = element.getAttribute("data-appeal-id");
    if (!url || !id || sent[id + event] || !navigator.sendBeacon) return;
    sent[id + event] = true;
    navigator.sendBeacon(url, new URLSearchParams({ appeal: id, event: event }));
  }

  function setUp() {
    var appeals = document.querySelectorAll(".patron-appeal");
    Array.prototype.forEach.call(appeals, function (element) {
      var close = element.querySelector(".patron-appeal__close");
      if (close) {
        close.hidden = false;
        close.addEventListener("click", function () {
          write("dismissedUntil", Date.now() + DISMISS_MS);
          dismiss(element);
        });
      }
      var cta = element.querySelector("[data-appeal-event='click']");
      if (cta) {
        cta.addEventListener("click", function () { beacon(element, "click"); });
      }
      if ("IntersectionObserver" in window) {
        var observer = new IntersectionObserver(function (entries) {
          entries.forEach(function (entry) {
            if (entry.isIntersecting && entry.intersectionRatio >= 0.5) {
              beacon(element, "view");
              observer.disconnect();
            }
          });
        }, { threshold: [0.5] });
        observer.observe(element);
      }
    });
  }

  onReady(setUp);
})();
