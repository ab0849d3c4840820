/*
 * Admin preview only: bring the appeal into view in the "Inside an article" preview.
 *
 * Wagtail's preview panel restores the previous scroll position after each refresh, so this
 * waits for that and scrolls only when the preview is still at its top (the first load, or a
 * switch of preview mode), never away from where the editor scrolled.
 */
(function () {
  "use strict";
  window.addEventListener("load", function () {
    window.setTimeout(function () {
      var appeal = document.getElementById("appeal-in-preview");
      if (appeal && window.scrollY === 0) {
        appeal.scrollIntoView({ block: "center" });
      }
    }, 300);
  });
})();
