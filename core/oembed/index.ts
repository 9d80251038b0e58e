export { createOembedRoutes, type OembedRoutesDeps } from './routes.ts';
export { discoveryLinks, type AlternateLink } from './links.ts';
export { oembedMediaId } from './subject.ts';
