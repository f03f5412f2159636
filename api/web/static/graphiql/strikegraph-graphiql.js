// Starts GraphiQL on strikegraph's example query, with the headers editor open on an `Authorization`
// entry to fill in (writes need `Bearer <key>`, see `strikegraph keys add`). Every asset comes from this
// service; the configuration is the JSON block that the page embeds. Subscriptions go over the same
// endpoint's WebSocket (graphql-transport-ws, the vendored graphql-ws client), opened on the first one.
(function () {
  const config = JSON.parse(document.getElementById("strikegraph-graphiql-config").textContent);
  const socket = new URL(config.endpoint, window.location.href);
  socket.protocol = socket.protocol === "https:" ? "wss:" : "ws:";
  const wsClient = graphqlWs.createClient({ url: socket.href, lazy: true });
  const fetcher = GraphiQL.createFetcher({ url: config.endpoint, wsClient: wsClient });
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
