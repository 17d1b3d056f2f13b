// A form marked data-busy says that its answer is being computed (a report over a long period
// can take some seconds): the message is announced and the button is held until the page comes.
document.querySelectorAll("form[data-busy]").forEach(function (form) {
  form.addEventListener("submit", function () {
    var message = form.querySelector("[data-busy-message]");
    if (message) message.hidden = false;
    var button = form.querySelector("button[type=submit]");
    if (button) button.setAttribute("aria-disabled", "true");
  });
});
