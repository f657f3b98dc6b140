#!/bin/sh
# Regenerates src/onnx/gen/onnx_pb.ts from ONNX's schema with protoc-gen-es (@bufbuild/protoc-gen-es,
# a devDependency). Needs protoc and onnx.proto: Debian's protobuf-compiler and libonnx-dev (onnx 1.12,
# IR 8, opset 17). The generated file is committed: builds and tests never run this.
# Run: sh scripts/gen_onnx_proto.sh
set -e
cd "$(dirname "$0")/.."
PROTO_DIR=${ONNX_PROTO_DIR:-/usr/include/onnx}
protoc --plugin=protoc-gen-es=node_modules/.bin/protoc-gen-es \
  --es_out=src/onnx/gen --es_opt=target=ts,import_extension=js \
  --proto_path="$PROTO_DIR" "$PROTO_DIR/onnx.proto"
echo "wrote src/onnx/gen/onnx_pb.ts"
