// The question form's options (bank/question_form.html): the form posts eight rows A–H and saves
// the rows that have text. With this script the empty rows after the last filled one are folded
// away (at least four stay open), "Add an option" opens the next, and "Remove" takes an option
// out: the options after it move up one row, so the keys stay A, B, C… as they will be saved.
(function () {
  "use strict";
  var table = document.querySelector("[data-option-rows]");
  var add = document.querySelector("[data-add-option]");
  if (!table || !add) { return; }
  var MIN_OPEN = 4;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);

  function parts(row) {
    return {
      text: row.querySelector(".bank-option-text input"),
      correct: row.querySelector(".bank-option-correct input"),
      weight: row.querySelector(".bank-option-weight input")
    };
  }
  function used(row) {
    var p = parts(row);
    return p.text.value.trim() !== "" || p.correct.checked || p.weight.value !== "" ||
      row.querySelector(".error") !== null;
  }
  function openCount() {
    return rows.filter(function (row) { return !row.hidden; }).length;
  }
  function refresh() {
    add.hidden = openCount() >= rows.length;
  }

  var last = -1;
  rows.forEach(function (row, i) { if (used(row)) { last = i; } });
  rows.forEach(function (row, i) {
    row.hidden = i > Math.max(last, MIN_OPEN - 1);
    row.querySelector("[data-remove-option]").hidden = false;
  });

  add.addEventListener("click", function () {
    var next = rows.filter(function (row) { return row.hidden; })[0];
    if (!next) { return; }
    next.hidden = false;
    parts(next).text.focus();
    refresh();
  });

  table.addEventListener("click", function (event) {
    var button = event.target.closest("[data-remove-option]");
    if (!button) { return; }
    var from = rows.indexOf(button.closest("tr"));
    var open = openCount();
    for (var i = from; i < open - 1; i++) {
      var here = parts(rows[i]), below = parts(rows[i + 1]);
      here.text.value = below.text.value;
      here.correct.checked = below.correct.checked;
      here.weight.value = below.weight.value;
    }
    var emptied = parts(rows[open - 1]);
    emptied.text.value = "";
    emptied.correct.checked = false;
    emptied.weight.value = "";
    if (open > 2) { rows[open - 1].hidden = true; }
    var focus = rows[Math.min(from, openCount() - 1)];
    parts(focus).text.focus();
    refresh();
  });
  refresh();
})();
