// Start Swagger UI on the document named by #swagger-ui's data-spec-url.
// A file, not an inline script, so the page works under a CSP without 'unsafe-inline'.
window.addEventListener("load", function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    // No deep links: each would be a link inside the operation's button (axe-core's
    // nested-interactive), which a keyboard or a screen reader cannot tell apart.
    deepLinking: false,
    validatorUrl: null, // never send the document to an outside validator
    presets: [SwaggerUIBundle.presets.apis],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "BaseLayout",
    // Headings in order (axe-core's heading-order): the operations' groups (h3) under an h2;
    // the document's title and description in a landmark of their own (axe-core's region).
    onComplete: function () {
      var info = root.querySelector(".information-container");
      if (info) {
        info.setAttribute("role", "region");
        info.setAttribute("aria-label", "About this API");
      }
      var first = root.querySelector(".opblock-tag-section");
      if (first && !document.getElementById("operations-heading")) {
        var heading = document.createElement("h2");
        heading.id = "operations-heading";
        heading.className = "operations-heading";
        heading.textContent = "Operations";
        first.parentNode.insertBefore(heading, first);
      }
    },
  });
});
