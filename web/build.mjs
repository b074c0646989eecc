// Builds the browser app into web/dist: esbuild bundles web/src/main.js and web/styles.css into
// assets/app.<hash>.js and .css, index.html is written from web/index.html with those names,
// and every file gets a gzip -9 twin. The new tree replaces web/dist in one rename, so a
// build running beside another never leaves a half-written directory. It does not start a
// server or watch files.
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = dirname(fileURLToPath(import.meta.url));
const dist = join(web, 'dist');
const tmp = join(web, `.dist-${process.pid}`);

rmSync(tmp, { recursive: true, force: true });
mkdirSync(join(tmp, 'assets'), { recursive: true });

const result = await esbuild.build({
    entryPoints: [
        { in: join(web, 'src/main.js'), out: 'app' },
        { in: join(web, 'styles.css'), out: 'app' },
    ],
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022'],
    outdir: join(tmp, 'assets'),
    entryNames: '[name].[hash]',
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const js = outputs.find((n) => n.endsWith('.js'));
const css = outputs.find((n) => n.endsWith('.css'));
if (!js || !css) throw new Error('esbuild produced no app bundle');

const html = readFileSync(join(web, 'index.html'), 'utf8')
    .replaceAll('%APP_JS%', `/assets/${js}`)
    .replaceAll('%APP_CSS%', `/assets/${css}`);
writeFileSync(join(tmp, 'index.html'), html);

const files = [join(tmp, 'index.html'), ...readdirSync(join(tmp, 'assets')).map((n) => join(tmp, 'assets', n))];
execFileSync('gzip', ['-9', '-k', '-n', '-f', ...files]);

const old = join(web, `.dist-old-${process.pid}`);
try {
    renameSync(dist, old);
} catch (e) {
    if (e.code !== 'ENOENT') throw e;
}
renameSync(tmp, dist);
rmSync(old, { recursive: true, force: true });
