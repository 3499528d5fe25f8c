import { seedHistory } from '@test/support/seed-history';
console.log(await seedHistory(process.env.DATABASE_URL!, { calls: Number(process.argv[2]) }));
