// Half-typed input survives redraws. A change from another phone (or a sync) rebuilds the
// meeting screen; before that, every form control whose value differs from what the screen drew
// (its default) is kept under a stable key, then put back into the new screen with the focus and
// the caret. A restored field that is bound to the document commits on blur as a typed one does.

/** The stable key of a control: its data binding, or its add-form and name. */
function keyOf(el) {
  for (const a of ["data-field", "data-reason", "data-award"]) if (el.hasAttribute(a)) return `${a}=${el.getAttribute(a)}`;
  const form = el.closest("form[data-form]");
  return form && el.name ? `form=${form.dataset.form}/${el.name}` : null;
}

// Only what the user changed counts (an `input` event marked it), so a value the browser
// merely reformats (a time without seconds) is never written back.
document.addEventListener("input", (e) => { if (e.target?.dataset) e.target.dataset.typed = "1"; }, true);

function dirty(el) {
  if (el.dataset.typed !== "1") return false;
  if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
  if (el.tagName === "SELECT") return el.value !== ([...el.options].find((o) => o.defaultSelected) ?? el.options[0])?.value;
  return el.value !== el.defaultValue;
}

const caret = (el) => { try { return [el.selectionStart, el.selectionEnd, el.selectionDirection]; } catch { return null; } };

/** What the user has typed and not yet committed under `root`, and where the focus is. */
export function capture(root) {
  const drafts = new Map();
  for (const el of root.querySelectorAll("input, textarea, select")) {
    const key = keyOf(el);
    if (key && dirty(el)) drafts.set(key, { value: el.value, checked: el.checked });
  }
  const a = document.activeElement;
  const focus = a && root.contains(a) && keyOf(a) ? { key: keyOf(a), caret: caret(a) } : null;
  return { drafts, focus, scrollY: window.scrollY };
}

/** Puts `saved` (from `capture`) back into the freshly drawn `root`. */
export function restore(root, saved) {
  for (const el of root.querySelectorAll("input, textarea, select")) {
    const key = keyOf(el);
    const draft = key && saved.drafts.get(key);
    if (draft) {
      if (el.type === "checkbox" || el.type === "radio") el.checked = draft.checked;
      else el.value = draft.value;
      el.dataset.typed = "1";
      if (key.startsWith("data-")) commitOnBlur(el);
    }
    if (saved.focus?.key === key) {
      el.focus({ preventScroll: true });
      const c = saved.focus.caret;
      if (c && c[0] !== null) { try { el.setSelectionRange(c[0], c[1], c[2] ?? "none"); } catch { /* not a text field */ } }
    }
  }
  window.scrollTo(0, saved.scrollY);
}

/** A value set by script does not count as the user's for `change`: commit it on blur unless a
 * real `change` already did. */
function commitOnBlur(el) {
  let committed = false;
  el.addEventListener("change", () => { committed = true; });
  el.addEventListener("blur", () => {
    if (!committed && el.value !== el.defaultValue) el.dispatchEvent(new Event("change"));
  }, { once: true });
}
