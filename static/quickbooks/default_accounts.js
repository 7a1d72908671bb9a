// Change default accounts: each account list is narrowed to the accounts whose name or number holds every word
// typed in the search box above it. Without JavaScript the boxes stay hidden and the lists work as they are.
"use strict";

function accountSearchWire(input) {
  const select = document.getElementById(input.dataset.accountSearch);
  if (!select) {
    return;
  }
  input.hidden = false;
  input.addEventListener("input", () => {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    let firstMatch = null;
    for (const option of select.options) {
      if (!option.value) {
        continue;
      }
      const text = option.text.toLowerCase();
      option.hidden = !words.every((word) => text.includes(word));
      if (!option.hidden && firstMatch === null) {
        firstMatch = option;
      }
    }
    // What the closed list shows is then one of the matches, as in a combo box.
    const selected = select.options[select.selectedIndex];
    if (words.length && firstMatch && (!selected || selected.hidden || !selected.value)) {
      select.value = firstMatch.value;
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[data-account-search]").forEach(accountSearchWire);
});
