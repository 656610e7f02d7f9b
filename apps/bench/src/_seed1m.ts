import { prepareBenchDatabase } from '/work/main/apps/bench/src/benchDatabase';
const h = await prepareBenchDatabase('postgres://postgres@127.0.0.1:5432/roster_bench', 1_000_000);
await h.close();
