// Parse a GEXF or GraphML file with the parsers Gephi Lite uses and print a summary as JSON.
// usage: node parse.js FILE
const fs = require('fs');
const Graph = require('graphology');
const file = process.argv[2];
const text = fs.readFileSync(file, 'utf8');
const parser = file.endsWith('.gexf') ? require('graphology-gexf') : require('graphology-graphml');
const graph = parser.parse(Graph, text);
const nodes = {};
graph.forEachNode((key, attrs) => { nodes[key] = { label: attrs.label, type: attrs.type, size: attrs.size,
  color: attrs.color }; });
const edges = [];
graph.forEachEdge((key, attrs, source, target) => { edges.push({ source, target, weight: attrs.weight,
  relation: attrs.relation }); });
process.stdout.write(JSON.stringify({ order: graph.order, size: graph.size, type: graph.type, nodes, edges }));
