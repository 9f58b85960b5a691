import { defineConfig, type Plugin } from 'vite';
import vue from '@vitejs/plugin-vue';
import { VitePWA } from 'vite-plugin-pwa';

// Three entries, each loading only its own code (shared chunks such as
// Vue's runtime aside):
//   index.html   the county's admin desktop (Element Plus), served at /
//   m/index.html the cadre's phone app (Vant), /m/, which works offline
//   h/index.html the household's page behind the card's QR code, /h/,
//                light enough for a weak network (BENCHMARKS.md B6)
// `npm run dev` proxies the API to a running `lianxin serve` on 8080.

// The files the cadre's entry loads, directly or lazily: the service worker
// precaches these and nothing of the admin's or the household's.
const cadreFiles = new Set<string>();
function collectCadreFiles(): Plugin {
  return {
    name: 'lianxin-cadre-files',
    apply: 'build',
    generateBundle(_options, bundle) {
      cadreFiles.clear();
      const byName = new Map(Object.entries(bundle));
      const visit = (fileName: string) => {
        if (cadreFiles.has(fileName)) return;
        const item = byName.get(fileName);
        if (!item) return;
        cadreFiles.add(fileName);
        if (item.type !== 'chunk') return;
        for (const next of [...item.imports, ...item.dynamicImports]) visit(next);
        const meta = (item as { viteMetadata?: { importedCss: Set<string>; importedAssets: Set<string> } })
          .viteMetadata;
        for (const css of meta?.importedCss ?? []) cadreFiles.add(css);
        for (const asset of meta?.importedAssets ?? []) cadreFiles.add(asset);
      };
      for (const item of byName.values()) {
        if (item.type === 'chunk' && item.isEntry && item.facadeModuleId?.endsWith('/m/index.html')) {
          visit(item.fileName);
        }
      }
    },
  };
}

// vite-plugin-pwa writes the cadre app's manifest link into every page it
// builds; only /m/ is that app (m/index.html names its manifest itself). On
// the household's page it would be one more request on a weak network, and
// "add to home screen" there would install the cadre's app.
function manifestOnlyInItsOwnPage(): Plugin {
  return {
    name: 'lianxin-manifest-only-in-m',
    apply: 'build',
    enforce: 'post',
    transformIndexHtml: {
      order: 'post',
      handler: (html) => html.replace(/\s*<link rel="manifest" href="[^"]*">(?=<\/head>)/, ''),
    },
  };
}

export default defineConfig({
  plugins: [
    vue(),
    collectCadreFiles(),
    VitePWA({
      strategies: 'generateSW',
      injectRegister: false, // the cadre's entry registers it (virtual:pwa-register)
      registerType: 'autoUpdate',
      // At the root, with the scope /m/: workbox resolves the precache list
      // (m/index.html, assets/…, m/manifest.webmanifest) against the
      // worker's own address, so at /m/sw.js every entry 404ed.
      filename: 'sw.js',
      scope: '/m/',
      manifestFilename: 'm/manifest.webmanifest',
      manifest: {
        name: '连心 · 干部',
        short_name: '连心',
        description: '联系户、走访、任务与诉求 My households, visits, tasks and appeals',
        lang: 'zh-CN',
        start_url: '/m/',
        scope: '/m/',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#b71c1c',
        // Made by scripts/icons.mjs (npm run build): the sizes a phone needs to offer installing.
        icons: [
          { src: '/m/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/m/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/m/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html}'],
        // Only the cadre's own files, and its page for every /m/ address.
        manifestTransforms: [
          async (entries) => ({
            manifest: entries.filter((e) => e.url === 'm/index.html' || cadreFiles.has(e.url)),
            warnings: [],
          }),
        ],
        navigateFallback: '/m/index.html',
        navigateFallbackAllowlist: [/^\/m\//],
        // The API is never answered from a cache: offline writes wait in
        // the app's own queue (IndexedDB) instead.
        runtimeCaching: [],
      },
    }),
    manifestOnlyInItsOwnPage(),
  ],
  build: {
    target: 'es2020',
    manifest: true, // for scripts/budget.mjs (B6)
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: { admin: 'index.html', cadre: 'm/index.html', household: 'h/index.html' },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
