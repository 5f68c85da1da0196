/* The list pages' filters, enhanced: they apply as they change (htmx swaps in the filters and
   results, list_page.html), the new count is said in a polite live region, and long option lists
   show their first options, "Show all" and a box that narrows them as one types.
   Without this script the form is a plain GET form and every option is listed. */
(function () {
  "use strict";
  // htmx without inline styles or eval (the CSP allows neither), and a 400 (a filter with a bad
  // value) swapped in with its message. Set before htmx starts, at DOMContentLoaded.
  if (window.htmx) {
    Object.assign(window.htmx.config, {
      includeIndicatorStyles: false,
      allowEval: false,
      allowScriptTags: false,
      historyRestoreAsHxRequest: false,
      responseHandling: [
        { code: "204", swap: false },
        { code: "[23]..", swap: true },
        { code: "400", swap: true },
        { code: "[45]..", swap: false, error: true }
      ]
    });
  }
  var FIRST_OPTIONS = 6;
  var LONG_LIST = 8;
  var narrowed = {}; // What a visitor typed into each group's box, kept across swaps.

  function text(form, name, values) {
    var message = form.dataset[name] || "";
    Object.keys(values || {}).forEach(function (key) {
      message = message.replace("%(" + key + ")s", values[key]);
    });
    return message;
  }

  function enhanceGroup(form, fieldset) {
    var options = Array.prototype.slice.call(fieldset.querySelectorAll(".form-check"));
    if (options.length <= LONG_LIST || fieldset.dataset.enhanced) return;
    fieldset.dataset.enhanced = "1";
    var container = options[0].parentNode;
    var name = options[0].querySelector("input").name;
    var legend = fieldset.querySelector("legend").textContent.trim();
    container.id = container.id || "options-" + name;
    container.classList.add("long-options");

    var box = document.createElement("div");
    box.className = "narrow-options mb-2";
    var input = document.createElement("input");
    input.type = "text";
    input.id = "narrow-" + name;
    input.className = "form-control form-control-sm";
    input.autocomplete = "off";
    input.setAttribute("aria-controls", container.id);
    input.setAttribute("aria-describedby", input.id + "-hint " + input.id + "-status");
    var label = document.createElement("label");
    label.htmlFor = input.id;
    label.className = "form-label small mb-1";
    label.textContent = text(form, "narrowLabel", { group: legend });
    var hint = document.createElement("span");
    hint.id = input.id + "-hint";
    hint.className = "visually-hidden";
    hint.textContent = text(form, "narrowHint");
    var status = document.createElement("span");
    status.id = input.id + "-status";
    status.className = "small text-body-secondary d-block";
    status.setAttribute("aria-live", "polite");
    box.append(label, input, hint, status);
    container.parentNode.insertBefore(box, container);

    var more = document.createElement("button");
    more.type = "button";
    more.className = "btn btn-link btn-sm px-0 show-all";
    more.setAttribute("aria-controls", container.id);
    more.setAttribute("aria-expanded", "false");
    more.textContent = text(form, "showAll", { count: options.length });
    container.parentNode.insertBefore(more, container.nextSibling);

    function matches(option, words) {
      return option.textContent.toLowerCase().indexOf(words) !== -1;
    }
    function update(announce) {
      var words = input.value.trim().toLowerCase();
      var all = more.getAttribute("aria-expanded") === "true" || words !== "";
      var shown = 0;
      options.forEach(function (option, index) {
        var ticked = option.querySelector("input").checked;
        var visible = words ? matches(option, words) : all || ticked || index < FIRST_OPTIONS;
        option.hidden = !visible;
        if (visible) shown += 1;
      });
      more.hidden = words !== "" || shown === options.length && more.getAttribute("aria-expanded") !== "true";
      more.textContent = text(form, more.getAttribute("aria-expanded") === "true" ? "showFewer" : "showAll", { count: options.length });
      status.textContent = announce ? text(form, "narrowStatus", { shown: shown, total: options.length }) : "";
    }
    input.addEventListener("input", function () {
      narrowed[name] = input.value;
      update(true);
    });
    // The box selects nothing itself: its changes are not the form's.
    input.addEventListener("change", function (event) { event.stopPropagation(); });
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      event.preventDefault(); // Enter ticks the first option shown, rather than sending the form.
      var first = options.filter(function (option) { return !option.hidden; })[0];
      if (first) first.querySelector("input").click();
    });
    more.addEventListener("click", function () {
      more.setAttribute("aria-expanded", more.getAttribute("aria-expanded") === "true" ? "false" : "true");
      update(false);
    });
    if (narrowed[name]) input.value = narrowed[name];
    update(false);
  }

  function enhance(root) {
    var forms = root.matches && root.matches("form.live-filters") ? [root] : root.querySelectorAll("form.live-filters");
    Array.prototype.forEach.call(forms, function (form) {
      form.querySelectorAll("fieldset").forEach(function (fieldset) { enhanceGroup(form, fieldset); });
    });
  }

  document.addEventListener("htmx:configRequest", function (event) {
    // Empty fields and a sort left at its default stay out of the address, as they would be
    // after a click on a filter chip: the shared link says only what was chosen.
    var data = event.detail.formData;
    var form = event.detail.elt;
    if (!data || !form.matches("form.live-filters")) return;
    Array.from(data.keys()).forEach(function (key) {
      if (data.getAll(key).every(function (value) { return value === ""; })) data.delete(key);
    });
    form.querySelectorAll("select").forEach(function (select) {
      if (select.selectedIndex === 0 && !select.querySelector("option[selected]")) data.delete(select.name);
    });
  });

  // What the swap replaces but the visitor expects to stay: the focused control (htmx finds a
  // field again by its id, but not one inside a folded <details> or made by this script) and
  // whether the phone's "Filters" were open.
  var before = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "list-body") return;
    var active = document.activeElement;
    var folded = document.querySelector("#list-body details.filters-disclosure");
    before = { focused: active && active.id, open: folded && folded.open };
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (!event.detail.target || event.detail.target.id !== "list-body") return;
    var count = document.getElementById("result-count");
    var live = document.getElementById("live-status");
    if (count && live) live.textContent = count.textContent.trim();
    var folded = document.querySelector("#list-body details.filters-disclosure");
    if (folded && before && before.open) folded.open = true;
    var focused = before && before.focused && document.getElementById(before.focused);
    if (focused && document.activeElement !== focused) {
      focused.focus();
      if (focused.type === "text") focused.setSelectionRange(focused.value.length, focused.value.length);
    } else if (!document.activeElement || document.activeElement === document.body) {
      // The control is gone: the focus goes to the results rather than the top of the page.
      var results = document.getElementById("results");
      if (results) results.focus({ preventScroll: true });
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    if (window.htmx) window.htmx.onLoad(enhance);
    else enhance(document);
  });
})();
