// Starts GraphiQL on strikegraph's example query, with the headers editor open on an `Authorization`
// entry to fill in (writes need `Bearer <key>`, see `strikegraph keys add`). Every asset comes from this
// service; the configuration is the JSON block that the page embeds. Subscriptions go over the same
// endpoint's WebSocket (graphql-transport-ws, the vendored graphql-ws client), opened on the first one,
// with the Headers tab's key.
(function () {
  const config = JSON.parse(document.getElementById("strikegraph-graphiql-config").textContent);
  const socket = new URL(config.endpoint, window.location.href);
  socket.protocol = socket.protocol === "https:" ? "wss:" : "ws:";
  // A WebSocket carries no headers a page can set, so the Headers tab's `Authorization` goes in the
  // socket's `connection_init` payload, where the server reads it: one socket per key, the last one kept.
  let current = null;
  function fetcherFor(authorization) {
    if (current && current.authorization === authorization) return current.fetcher;
    if (current) current.wsClient.dispose();
    const connectionParams = authorization ? { Authorization: authorization } : {};
    const wsClient = graphqlWs.createClient({ url: socket.href, lazy: true, connectionParams: connectionParams });
    current = { authorization, wsClient, fetcher: GraphiQL.createFetcher({ url: config.endpoint, wsClient }) };
    return current.fetcher;
  }
  function fetcher(params, options) {
    const headers = (options && options.headers) || {};
    const name = Object.keys(headers).find((key) => key.toLowerCase() === "authorization");
    return fetcherFor(name && headers[name] ? String(headers[name]) : "")(params, options);
  }
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
