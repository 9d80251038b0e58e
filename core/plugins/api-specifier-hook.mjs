// Module resolution hook (node:module register): `kiosque/plugin-api` is Kiosque's plugin API,
// wherever the importing plugin lives. Plain JavaScript: hooks load in their own thread.
let target;

export function initialize(data) {
  target = data.target;
}

export async function resolve(specifier, context, nextResolve) {
  // Resolved on down the chain, so that the TypeScript loader (tsx) takes the file as its own.
  return nextResolve(specifier === 'kiosque/plugin-api' ? target : specifier, context);
}
