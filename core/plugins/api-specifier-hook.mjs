// Module resolution hook (node:module register): the name api-specifier.ts gives is Kiosque's plugin API,
// wherever the importing plugin lives. Plain JavaScript: hooks load in their own thread.
let specifier;
let target;

export function initialize(data) {
  ({ specifier, target } = data);
}

export async function resolve(asked, context, nextResolve) {
  // Resolved on down the chain, so that the TypeScript loader (tsx) takes the file as its own.
  return nextResolve(asked === specifier ? target : asked, context);
}
