// The review workspace's keyboard and quote picking (review/templates/review/). No inline script: the CSP
// forbids it. j/k next/previous, a accept, r reject, d duplicate, u undo, / search, ? help, Esc close.
(() => {
  const TYPING = "input, textarea, select, [contenteditable]";
  const $ = (selector) => document.querySelector(selector);

  const help = () => $("#keyboard-help");
  const openHelp = () => {
    const dialog = help();
    if (dialog && !dialog.open) dialog.showModal();
  };

  // The queue: j/k move between rows, Enter opens the focused one.
  const moveInQueue = (step) => {
    const links = [...document.querySelectorAll("[data-row-link]")];
    if (!links.length) return;
    const current = links.indexOf(document.activeElement);
    const next = current < 0 ? (step > 0 ? 0 : links.length - 1) : Math.min(links.length - 1, Math.max(0, current + step));
    links[next].focus();
    links[next].closest("tr").scrollIntoView({ block: "nearest" });
  };

  const follow = (selector) => {
    const link = $(selector);
    if (link) link.click();
    return Boolean(link);
  };

  const submit = (selector) => {
    const form = $(selector);
    if (form) form.requestSubmit();
  };

  const focusField = (selector) => {
    const field = $(selector);
    if (field) {
      field.focus();
      if (field.select && field.type !== "number") field.select();
    }
  };

  const actions = {
    j: () => follow("#next-article") || moveInQueue(1),
    k: () => follow("#previous-article") || moveInQueue(-1),
    a: () => submit("#accept-form"),
    r: () => focusField("#id_reason"),
    // The same story's articles to choose from, or else the id field.
    d: () => focusField(document.querySelectorAll("#id_original option").length > 1 ? "#id_original" : "#id_original_id"),
    u: () => submit("#undo-form"),
    "/": () => focusField("#search"),
    "?": openHelp,
  };

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      const dialog = help();
      if (dialog && dialog.open) dialog.close();
      else if (event.target.matches && event.target.matches(TYPING)) event.target.blur();
      return;
    }
    // Enter on the duplicate's select submits its form (a select does not on its own).
    if (event.key === "Enter" && event.target.id === "id_original") {
      event.preventDefault();
      event.target.form.requestSubmit();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (event.target.closest && event.target.closest(TYPING)) return;
    if (help() && help().open) return;
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      if (busy) queued = action;
      else action();
    }
  });

  // While the panel is being replaced, a key waits for the new one (its forms are wired up by htmx only then).
  let busy = false;
  let queued = null;
  const settled = () => {
    busy = false;
    delete document.body.dataset.busy;
    const action = queued;
    queued = null;
    if (action) action();
  };
  document.addEventListener("htmx:beforeRequest", (event) => {
    if (event.detail.target && event.detail.target.id === "panel") {
      busy = true;
      document.body.dataset.busy = "true";
    }
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.failed) settled();
  });
  document.addEventListener("htmx:sendError", settled);

  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-help-open]")) openHelp();
    if (event.target.closest("#quote-clear")) setQuote("");
  });

  // The quote: a selection inside the article's text becomes the accept form's quote, shown to the editor,
  // and the "Add to the record" links carry it.
  const setQuote = (text) => {
    const field = $("#id_quote");
    const preview = $("#quote-preview");
    if (!field || !preview) return;
    field.value = text;
    preview.textContent = text || preview.dataset.empty;
    preview.classList.toggle("empty", !text);
    const clear = $("#quote-clear");
    if (clear) clear.hidden = !text;
    document.querySelectorAll("[data-quote-link]").forEach((link) => {
      const url = new URL(link.href, window.location.href);
      if (text) url.searchParams.set("quote", text);
      else url.searchParams.delete("quote");
      link.href = url.pathname + url.search;
    });
  };

  document.addEventListener("selectionchange", () => {
    const body = $("#article-body");
    const selection = window.getSelection();
    if (!body || !selection || selection.isCollapsed || !selection.rangeCount) return;
    const range = selection.getRangeAt(0);
    if (!body.contains(range.startContainer) || !body.contains(range.endContainer)) return;
    const text = selection.toString().replace(/\s+/g, " ").trim();
    if (text) setQuote(text);
  });

  // htmx: a refusal (409 another editor was first, 422 bad input) still replaces the panel, which says why.
  // htmx would keep focus on the field of the same id in the new panel (the next article's reason field after a
  // reject, where the next key would be typed): the panel starts afresh, focus goes where afterSettle puts it.
  document.addEventListener("htmx:beforeSwap", (event) => {
    if ([409, 422].includes(event.detail.xhr.status)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
    const panel = $("#panel");
    if (event.detail.shouldSwap && panel && panel.contains(document.activeElement)) document.activeElement.blur();
  });
  // After a swap, focus goes to the message or the new article's title, for keyboard and screen-reader users,
  // unless the editor already moved it (pressed r while the panel settled, say).
  document.addEventListener("htmx:afterSettle", (event) => {
    if (!$("#panel") || !$("#panel").isConnected) return;
    const target = $("#panel-error") || $("#article-title");
    const active = document.activeElement;
    if (target && (!active || active === document.body)) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus();
    }
    const title = $("#article-title");
    if (title) document.title = `${title.textContent} · Ceasefire tracker`;
    settled();
  });
})();
