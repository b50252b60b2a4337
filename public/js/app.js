// Progressive enhancement only: every page works without this file.
(function () {
  'use strict';
  // Move focus to the error summary of a form that came back with errors.
  var summary = document.getElementById('error-summary');
  if (summary) summary.focus();
})();
