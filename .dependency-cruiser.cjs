// The rooms of DESIGN.md section 3, checked by `npm run lint` (dependency-cruiser over src/):
//   config ← platform ← web ← modules/<area> ← boot / app / server / worker / cli
// An area imports another area only through that area's index.ts (a narrow adapter file inside the
// importing area, such as src/modules/desk/asset.ts, imports the other area's index.ts too); nobody
// but the composition root imports the list of areas (src/modules/index.ts); no import circles.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import circles make the load order fragile and the rooms meaningless: break the circle (hand the dependency in, or move the shared piece down a floor).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'config-imports-nothing-of-the-app',
      severity: 'error',
      comment: 'src/config.ts is the ground: it reads the environment and imports no other file of the app.',
      from: { path: '^src/config\\.ts$' },
      to: { path: '^src/' },
    },
    {
      name: 'platform-only-on-config',
      severity: 'error',
      comment: 'src/platform (and src/db) stand on config alone: never on web, an area or the processes above.',
      from: { path: '^src/(platform|db)/' },
      to: { path: '^src/(web|modules|cli)/|^src/(boot|app|server|worker)\\.ts$' },
    },
    {
      name: 'web-not-to-modules',
      severity: 'error',
      comment: 'src/web is the HTTP edge shared by every area: it never imports an area (areas are handed in by src/boot.ts).',
      from: { path: '^src/web/' },
      to: { path: '^src/(modules|cli|db)/|^src/(boot|app|server|worker)\\.ts$' },
    },
    {
      name: 'areas-not-to-the-root',
      severity: 'error',
      comment: 'An area never imports the composition root, the process entries, the database set-up or the list of areas: what it needs is handed in.',
      from: { path: '^src/modules/' },
      to: { path: '^src/(cli|db)/|^src/(boot|app|server|worker)\\.ts$|^src/modules/index\\.ts$' },
    },
    {
      name: 'area-only-through-index',
      severity: 'error',
      comment: "One area imports another only through that area's index.ts (its public face).",
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'entries-only-through-faces',
      severity: 'error',
      comment: "The root and the command-line entries use an area through its index.ts (or its module.ts, which src/modules/index.ts lists).",
      from: { path: '^src/(cli/|boot\\.ts$|app\\.ts$|server\\.ts$|worker\\.ts$)' },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve to a file (a typo, or a module that was moved).',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.d\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'] },
  },
};
