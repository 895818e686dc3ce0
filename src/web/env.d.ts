// esbuild bundles stylesheets imported for their side effect (scripts/build-web.mjs).
declare module '*.css';
