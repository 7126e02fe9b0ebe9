/* global document, EventSource */
// Follows the competition's event stream and says in the page's live region what has just happened,
// for screen readers too (role="status"). Plain pages work without it; htmx swaps keep it following.
(function () {
  var source;
  function follow() {
    var region = document.querySelector('[data-events]');
    if (source) source.close();
    source = undefined;
    if (!region) return;
    source = new EventSource(region.getAttribute('data-events'));
    source.onmessage = function (event) {
      region.textContent = region.getAttribute('data-template').replace('{kind}', event.data);
    };
  }
  document.addEventListener('DOMContentLoaded', follow);
  document.addEventListener('htmx:afterSettle', follow);
})();
