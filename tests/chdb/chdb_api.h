// The part of chDB's C API (libchdb.so, npm @chdb/lib-linux-x64-gnu) the
// tests use, declared from its documentation. The handles are opaque.
#pragma once

#include <cstddef>

extern "C" {
struct chdb_result_handle;
struct chdb_connection_handle;

chdb_connection_handle** chdb_connect(int argc, char** argv);
void chdb_close_conn(chdb_connection_handle** conn);
chdb_result_handle* chdb_query(chdb_connection_handle* conn, const char* query,
                               const char* format);
char* chdb_result_buffer(chdb_result_handle* result);
size_t chdb_result_length(chdb_result_handle* result);
const char* chdb_result_error(chdb_result_handle* result);
void chdb_destroy_query_result(chdb_result_handle* result);
void chdb_set_signal_handlers_enabled(int enabled);
}
