// One stack per test file, started in beforeAll: its processes need more than jest's 5 s.
module.exports = { ...require('../jest.base.js'), testTimeout: 30_000 };
