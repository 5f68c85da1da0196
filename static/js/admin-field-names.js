// Give every admin form field an accessible name, where Django's admin markup leaves some without:
// - autocompletes (select2) are named after their selected value, empty until one is chosen;
// - the inputs of tabular inlines sit in table cells with no <label>, under a column header.
// Each gets its field's label, or its column's header. Runs after the admin's own scripts.
"use strict";
{
    function columnHeader(field) {
        const cell = field.closest("td");
        const table = field.closest("table");
        const header = cell && table ? table.querySelectorAll("thead th")[cell.cellIndex] : null;
        const text = header ? header.textContent.trim() : "";
        return text || (field.name.endsWith("-DELETE") ? "Delete" : field.name);
    }

    function labelOf(field) {
        return field.id ? document.querySelector(`label[for="${field.id}"]`) : null;
    }

    function nameAutocomplete(select) {
        const container = select.nextElementSibling;
        if (!container || !container.classList.contains("select2")) return;
        const label = labelOf(select);
        const name = label ? label.textContent.replace(/:\s*$/, "").trim() : columnHeader(select);
        container.querySelectorAll('[role="combobox"]').forEach((combobox) => {
            // aria-labelledby wins over aria-label: select2's own points at the (empty) value.
            combobox.removeAttribute("aria-labelledby");
            combobox.setAttribute("aria-label", name);
        });
        container.querySelectorAll('[role="textbox"], input.select2-search__field').forEach((element) => {
            element.setAttribute("aria-label", name);
        });
    }

    function nameFields(root) {
        root.querySelectorAll("select.admin-autocomplete").forEach(nameAutocomplete);
        root.querySelectorAll(".tabular td input, .tabular td select, .tabular td textarea").forEach((field) => {
            if (field.type === "hidden" || labelOf(field) || field.getAttribute("aria-label")) return;
            field.setAttribute("aria-label", columnHeader(field));
        });
    }

    // Django's autocomplete.js builds the select2 widgets in a jQuery ready handler, registered after
    // this one, and jQuery runs ready handlers asynchronously: name the fields on the next turn.
    window.django.jQuery(() => setTimeout(() => nameFields(document), 0));
    document.addEventListener("formset:added", (event) => setTimeout(() => nameFields(event.target), 0));
}
