// A minimal app built the way a developer builds one with react-plaid-link. It loads Link from
// react-plaid-link's own hard-coded CDN URL; the browser test routes that URL to Gingham.
import { useCallback, useState } from "react";
import { createRoot } from "react-dom/client";
import { usePlaidLink } from "react-plaid-link";

window.reactEvents = [];
window.reactResult = null;
window.reactExit = null;

function App() {
  const token = new URLSearchParams(window.location.search).get("token");
  const [result, setResult] = useState(null);

  const onSuccess = useCallback((public_token, metadata) => {
    const value = { public_token, metadata };
    window.reactResult = value;
    setResult(value);
  }, []);
  const onExit = useCallback((error, metadata) => {
    window.reactExit = { error, metadata };
  }, []);
  const onEvent = useCallback((eventName, metadata) => {
    window.reactEvents.push({ eventName, metadata });
  }, []);

  const { open, ready, error } = usePlaidLink({ token, onSuccess, onExit, onEvent });

  return (
    <main>
      <h1>react-plaid-link test app</h1>
      <button data-testid="open-link" disabled={!ready} onClick={() => open()}>
        Open Link
      </button>
      {error && <p data-testid="script-error">Link failed to load</p>}
      {result && <pre data-testid="result">{JSON.stringify(result, null, 2)}</pre>}
    </main>
  );
}

createRoot(document.getElementById("root")).render(<App />);
