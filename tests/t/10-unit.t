#!/bin/bash
# Unit tests of the config syntax and value parsers (tests/test-config.c).
exec "${BUILD_DIR:-$(dirname "$0")/../../build}/tests/test-config"
