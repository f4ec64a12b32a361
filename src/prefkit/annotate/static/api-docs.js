// Starts Swagger UI on /api/docs from a file, not an inline script: the workbench's
// Content-Security-Policy allows scripts from 'self' only. Swagger UI itself is served from
// the swagger-ui-bundle package (Apache-2.0), never from a CDN.
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
