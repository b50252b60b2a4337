// The public face of the working groups: the only file of this area other areas import.
// Nothing yet: another area asks for an export when it needs one.
export {};
