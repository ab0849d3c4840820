/* Topics page: vote and withdraw without reloading the page.
 * Each topic's form posts to membership/topics/<id>/vote/ with its CSRF token; this script
 * sends the same form with fetch() and Accept: application/json, then updates the count,
 * the button and "N of M votes left" from the answer. On any error (network, refusal, a
 * rate limit) it submits the form the plain way, and the server's page says what happened.
 * Without JavaScript the forms simply post. Loaded only on a signed-in patron's page. */
(function () {
  "use strict";
  var root = document.querySelector("[data-topics]");
  if (!root || !window.fetch || !window.FormData) return;

  function each(selector, callback, scope) {
    Array.prototype.forEach.call((scope || root).querySelectorAll(selector), callback);
  }

  function setVotesLeft(left) {
    each("[data-votes-left]", function (element) { element.textContent = String(left); });
    each("[data-spent]", function (element) { element.hidden = left > 0; });
    // A vote button is usable while votes are left; withdrawing always is.
    each("form[data-vote]", function (form) {
      var voting = form.elements.action.value === "vote";
      form.querySelector("button[type=submit]").disabled = voting && left <= 0;
    });
  }

  function show(form, answer, notify) {
    var topic = form.closest(".topic");
    var count = topic && topic.querySelector("[data-count]");
    if (count && typeof answer.count === "number") count.textContent = String(answer.count);
    form.elements.action.value = answer.voted ? "withdraw" : "vote";
    form.querySelector("button[type=submit]").textContent =
      answer.voted ? form.dataset.labelWithdraw : form.dataset.labelVote;
    form.querySelector("[data-voted]").hidden = !answer.voted;
    form.querySelector("[data-notify]").hidden = answer.voted;
    var notified = form.querySelector("[data-notified]");
    if (answer.voted) {
      if (notify) notified.hidden = false;
    } else {
      notified.hidden = true;
      form.elements.notify.checked = false;
    }
    setVotesLeft(answer.votes_left);
  }

  function submit(form) {
    var data = new FormData(form);
    var notify = form.elements.action.value === "vote" && form.elements.notify.checked;
    form.dataset.busy = "1";
    // getAttribute: the form's input named "action" hides its .action property.
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: {
        "Accept": "application/json",
        "X-CSRFToken": form.elements.csrfmiddlewaretoken.value
      }
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (answer) {
        if (typeof answer.voted !== "boolean" || typeof answer.votes_left !== "number") {
          throw new Error("unexpected answer");
        }
        show(form, answer, notify);
        delete form.dataset.busy;
      })
      .catch(function () {
        // The plain form: the server answers with its page (a refusal says why).
        form.submit();
      });
  }

  root.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-vote]")) return;
    event.preventDefault();
    if (form.dataset.busy) return; // a double click sends one request
    submit(form);
  });
})();
