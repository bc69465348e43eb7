// Starts Swagger UI on /api/docs with the settings the server put in #swagger-settings.
(function () {
  var settings = JSON.parse(document.getElementById("swagger-settings").textContent);
  settings.dom_id = "#swagger-ui";
  settings.presets = [SwaggerUIBundle.presets.apis];
  SwaggerUIBundle(settings);
})();
