export const wrong = { kind: "sink", name: "Wrong-Name", options: {} };
