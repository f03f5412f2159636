// Starts GraphiQL on strikegraph's example query, with the headers editor open on an `Authorization`
// entry to fill in (writes need `Bearer <key>`, see `strikegraph keys add`). Every asset comes from this
// service; the configuration is the JSON block that the page embeds.
(function () {
  const config = JSON.parse(document.getElementById("strikegraph-graphiql-config").textContent);
  const fetcher = GraphiQL.createFetcher({ url: config.endpoint });
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: config.query,
      defaultHeaders: config.headers,
      defaultEditorToolsVisibility: "headers",
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false, // an API key typed here is not kept in the browser's storage
      storage: GraphiQL.createLocalStorage({ namespace: "strikegraph" }),
    }),
  );
})();
