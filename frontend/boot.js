// Starts the wasm app. An external file, so the Content-Security-Policy needs no inline script.
const params = new URL(import.meta.url).searchParams;
const bindings = await import(params.get('js'));
await bindings.default({ module_or_path: params.get('wasm') });
