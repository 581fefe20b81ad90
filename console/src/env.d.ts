// Vite handles stylesheet imports.
declare module "*.css";
