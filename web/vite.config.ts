import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// `npm run dev` proxies the API to a running `lianxin serve` on 8080.
export default defineConfig({
  plugins: [vue()],
  build: { target: 'es2020', chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
