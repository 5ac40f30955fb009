#!/usr/bin/env node
// The relay straight from the TypeScript sources (see ts-register.js); same env as src/relay-main.ts.
'use strict';
require('./ts-register');
require('../src/relay-main.ts').main();
