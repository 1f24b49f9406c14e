// Behaviour shared by every page (no inline script anywhere: the Content-Security-Policy forbids it).
// - <form data-autosubmit>: submits when one of its selects or date inputs changes (filters, "as of").
// - <button data-confirm="…">: asks before submitting.
document.addEventListener("change", (event) => {
  const form = event.target.closest("form[data-autosubmit]");
  if (form && event.target.matches("select, input[type=date], input[type=checkbox]")) form.requestSubmit();
});
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});
